import CZstd
import XArchModel
#if canImport(Glibc)
import Glibc
#endif

/// libzstd, loaded at run time with `dlopen` when the first zstd layer shows up.
///
/// Linking libzstd would make building xarch need `libzstd-dev`; loading `libzstd.so.1` (Debian's
/// `libzstd1`, present on nearly every system because dpkg and systemd use it) keeps the build free of
/// it, and a system without it gets one clear error for zstd layers only.
///
/// `@unchecked Sendable`: it holds C function pointers (not `Sendable` to the compiler) into a library
/// that is loaded once and never unloaded, and libzstd's functions are safe to call from any thread on
/// separate streams.
package struct ZstdLibrary: @unchecked Sendable {
    let createDStream: xarch_zstd_create_dstream_fn
    let freeDStream: xarch_zstd_free_dstream_fn
    let decompressStream: xarch_zstd_decompress_stream_fn
    let isError: xarch_zstd_is_error_fn
    let errorName: xarch_zstd_get_error_name_fn
    let compress: xarch_zstd_compress_fn
    let compressBound: xarch_zstd_compress_bound_fn
    let createCCtx: xarch_zstd_create_cctx_fn
    let freeCCtx: xarch_zstd_free_cctx_fn
    let setParameter: xarch_zstd_cctx_set_parameter_fn
    let compressStream2: xarch_zstd_compress_stream2_fn

    /// The library, or the reason it could not be loaded.
    static let shared: Result<ZstdLibrary, XArchError> = load()

    /// The loaded library, or the error "zstd layers need libzstd".
    package static func get() throws -> ZstdLibrary { try shared.get() }

    private static func load() -> Result<ZstdLibrary, XArchError> {
        let missing = XArchError(.unsupported, "zstd layers need libzstd: install it (Debian: apt-get install libzstd1) and run again")
        guard let handle = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL) ?? dlopen("libzstd.so", RTLD_NOW | RTLD_LOCAL) else {
            return .failure(missing)
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        guard let create = symbol("ZSTD_createDStream", as: xarch_zstd_create_dstream_fn.self),
              let free = symbol("ZSTD_freeDStream", as: xarch_zstd_free_dstream_fn.self),
              let decompress = symbol("ZSTD_decompressStream", as: xarch_zstd_decompress_stream_fn.self),
              let isError = symbol("ZSTD_isError", as: xarch_zstd_is_error_fn.self),
              let errorName = symbol("ZSTD_getErrorName", as: xarch_zstd_get_error_name_fn.self),
              let compress = symbol("ZSTD_compress", as: xarch_zstd_compress_fn.self),
              let bound = symbol("ZSTD_compressBound", as: xarch_zstd_compress_bound_fn.self),
              let createCCtx = symbol("ZSTD_createCCtx", as: xarch_zstd_create_cctx_fn.self),
              let freeCCtx = symbol("ZSTD_freeCCtx", as: xarch_zstd_free_cctx_fn.self),
              let setParameter = symbol("ZSTD_CCtx_setParameter", as: xarch_zstd_cctx_set_parameter_fn.self),
              let compressStream2 = symbol("ZSTD_compressStream2", as: xarch_zstd_compress_stream2_fn.self)
        else { return .failure(missing) }
        return .success(ZstdLibrary(createDStream: create, freeDStream: free, decompressStream: decompress,
                                    isError: isError, errorName: errorName, compress: compress, compressBound: bound,
                                    createCCtx: createCCtx, freeCCtx: freeCCtx, setParameter: setParameter,
                                    compressStream2: compressStream2))
    }

    /// libzstd's name for an error code.
    func name(of code: Int) -> String { errorName(code).map { String(cString: $0) } ?? "error \(code)" }

    /// One-shot compression (tests and benchmarks make zstd layers with it).
    package func compress(_ input: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: compressBound(input.count))
        let n = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in compress(dst.baseAddress, dst.count, src.baseAddress, src.count, level) }
        }
        guard isError(n) == 0 else { throw XArchError(.io, "zstd compression failed: \(name(of: n))") }
        return Array(out[0..<n])
    }
}

/// A streaming zstd decoder (RFC 8878) over libzstd's `ZSTD_decompressStream`; concatenated frames
/// and skippable frames are handled by libzstd. Same contract as `GzipDecoder`.
public final class ZstdDecoder {
    private let library: ZstdLibrary
    private let stream: UnsafeMutableRawPointer
    private let limits: DecompressionLimits
    private let outputChunk: Int
    /// The last `ZSTD_decompressStream` result: 0 when a frame is complete.
    private var pendingHint = 0
    private var sawData = false
    public private(set) var totalIn: Int64 = 0
    public private(set) var totalOut: Int64 = 0

    /// Throws "zstd layers need libzstd" when the library cannot be loaded.
    public init(limits: DecompressionLimits = .standard, outputChunk: Int = 256 * 1024) throws {
        library = try ZstdLibrary.get()
        guard let stream = library.createDStream() else { throw XArchError(.io, "libzstd could not start a decoder (out of memory?)") }
        self.stream = stream
        self.limits = limits
        self.outputChunk = Swift.max(1024, outputChunk)
    }

    deinit { _ = library.freeDStream(stream) }

    public func decode(_ input: [UInt8], into sink: ([UInt8]) throws -> Void) throws {
        guard !input.isEmpty else { return }
        sawData = true
        try input.withUnsafeBytes { src in
            var inBuf = xarch_zstd_in_buffer(src: src.baseAddress, size: src.count, pos: 0)
            while true {
                var hint = 0
                let before = inBuf.pos
                let out = [UInt8](unsafeUninitializedCapacity: outputChunk) { dst, count in
                    var outBuf = xarch_zstd_out_buffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                    hint = library.decompressStream(stream, &outBuf, &inBuf)
                    count = library.isError(hint) != 0 ? 0 : outBuf.pos
                }
                if library.isError(hint) != 0 {
                    throw XArchError(.invalidInput, "the zstd stream is corrupt: \(library.name(of: hint))")
                }
                pendingHint = hint
                totalIn += Int64(inBuf.pos - before)
                totalOut += Int64(out.count)
                try limits.check(input: totalIn, output: totalOut, format: "zstd")
                if !out.isEmpty { try sink(out) }
                // Done with this chunk when all input is consumed and the output buffer was not filled.
                if inBuf.pos == inBuf.size && out.count < outputChunk { return }
            }
        }
    }

    public func finish() throws {
        guard sawData else { throw XArchError(.invalidInput, "the zstd stream is empty") }
        guard pendingHint == 0 else { throw XArchError(.invalidInput, "the zstd stream is truncated (it ends inside a frame)") }
    }
}
