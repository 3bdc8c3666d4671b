import CZstd
import XArchModel

/// One zstd frame (RFC 8878) whose bytes depend only on the input and the level: libzstd's streaming
/// compressor, single-threaded (`nbWorkers` 0), no dictionary (and no dictionary ID), no content size
/// in the frame header (a stream does not know it, and it must not depend on how the input arrives),
/// and a content checksum (XXH64, RFC 8878 section 3.1.1), as zstd(1) writes by default. zstd frames
/// hold no timestamps or names.
///
/// Same life cycle and threading contract as `GzipDeflater`; the caller's thread does the work.
public final class ZstdCompressor: LayerCompressor {
    private let library: ZstdLibrary
    private var context: UnsafeMutableRawPointer?
    private var output = [UInt8](repeating: 0, count: 256 * 1024)

    /// A compressor at libzstd `level` (1 … 19). Throws "zstd layers need libzstd" without it.
    public init(level: Int32) throws {
        library = try ZstdLibrary.get()
        guard let context = library.createCCtx() else { throw XArchError(.io, "libzstd could not start a compressor (out of memory?)") }
        self.context = context
        let parameters: [(Int32, Int32)] = [
            (Int32(XARCH_ZSTD_C_COMPRESSION_LEVEL), level), (Int32(XARCH_ZSTD_C_CHECKSUM_FLAG), 1),
            (Int32(XARCH_ZSTD_C_CONTENT_SIZE_FLAG), 0), (Int32(XARCH_ZSTD_C_DICT_ID_FLAG), 0),
            (Int32(XARCH_ZSTD_C_NB_WORKERS), 0),
        ]
        for (parameter, value) in parameters {
            let code = library.setParameter(context, parameter, value)
            if library.isError(code) != 0 {
                discard()
                throw XArchError(.io, "libzstd refused parameter \(parameter) = \(value): \(library.name(of: code))")
            }
        }
    }

    public func compress(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !input.isEmpty else { return }
        try run(input, end: false, sink: sink)
    }

    public func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        defer { discard() }
        try run(UnsafeRawBufferPointer(start: nil, count: 0), end: true, sink: sink)
    }

    public func discard() {
        guard let context else { return }
        _ = library.freeCCtx(context)
        self.context = nil
    }

    /// Calls `ZSTD_compressStream2` until the input is consumed (and, at the end, the frame is closed).
    private func run(_ input: UnsafeRawBufferPointer, end: Bool, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let context else { throw XArchError(.io, "zstd compression was already finished") }
        var inBuffer = xarch_zstd_in_buffer(src: input.baseAddress, size: input.count, pos: 0)
        let directive = Int32(end ? XARCH_ZSTD_E_END : XARCH_ZSTD_E_CONTINUE)
        let capacity = output.count
        try output.withUnsafeMutableBytes { buffer in
            while true {
                var outBuffer = xarch_zstd_out_buffer(dst: buffer.baseAddress, size: capacity, pos: 0)
                let remaining = library.compressStream2(context, &outBuffer, &inBuffer, directive)
                guard library.isError(remaining) == 0 else {
                    throw XArchError(.io, "zstd compression failed: \(library.name(of: remaining))")
                }
                if outBuffer.pos > 0 { try sink(UnsafeRawBufferPointer(start: buffer.baseAddress, count: outBuffer.pos)) }
                // e_continue: done when the input is consumed; e_end: when nothing remains to flush.
                if end ? remaining == 0 : inBuffer.pos == inBuffer.size { return }
            }
        }
    }
}
