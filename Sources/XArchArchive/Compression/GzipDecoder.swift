import CZlib
import XArchModel

/// A streaming gzip decoder (RFC 1952) on zlib's `inflate`: feed compressed chunks, get decompressed
/// chunks. Concatenated members are decoded one after the other (RFC 1952 §2.2, as `gzip -d` does);
/// zero bytes after the last member (tape padding) are ignored; any other trailing bytes are an error.
///
/// Not thread-safe: one decoder per stream, used by one task at a time.
public final class GzipDecoder {
    private var stream = z_stream()
    private let limits: DecompressionLimits
    private var memberEnded = false
    private var finished = false
    private var sawData = false
    /// Compressed bytes consumed and decompressed bytes produced so far.
    public private(set) var totalIn: Int64 = 0
    public private(set) var totalOut: Int64 = 0
    /// Largest chunk `decode` returns at once.
    let outputChunk: Int

    public init(limits: DecompressionLimits = .standard, outputChunk: Int = 256 * 1024) throws {
        self.limits = limits
        self.outputChunk = Swift.max(1024, outputChunk)
        guard Self.inflateInitGzip(&stream) == Z_OK else {
            throw XArchError(.io, "zlib could not start a gzip decoder (out of memory?)")
        }
    }

    deinit { inflateEnd(&stream) }

    /// `inflateInit2(strm, 15 + 16)` (a macro in zlib.h): a 32 KiB window, gzip wrapper only.
    static func inflateInitGzip(_ stream: inout z_stream) -> Int32 {
        inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    }

    /// Decodes one compressed chunk; calls `sink` with each decompressed piece (at most
    /// `outputChunk` bytes). Throws on corrupt data or a broken decompression cap.
    public func decode(_ input: [UInt8], into sink: ([UInt8]) throws -> Void) throws {
        var offset = 0
        while offset < input.count {
            if memberEnded {
                // Between members: zero padding is skipped, a new member restarts inflate.
                guard input[offset] == 0x1f || finishedPadding(input, from: offset) else {
                    throw XArchError(.invalidInput, "unexpected bytes after the end of the gzip stream")
                }
                if input[offset] != 0x1f { return }
                inflateReset(&stream)
                memberEnded = false
            }
            offset += try inflateSome(input, from: offset, into: sink)
        }
    }

    /// Declares the end of input: throws when the stream stopped inside a member.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        guard memberEnded || !sawData else {
            throw XArchError(.invalidInput, "the gzip stream is truncated (it ends inside compressed data)")
        }
        guard sawData else { throw XArchError(.invalidInput, "the gzip stream is empty") }
    }

    /// Whether everything from `offset` on is zero padding.
    private func finishedPadding(_ input: [UInt8], from offset: Int) -> Bool {
        input[offset...].allSatisfy { $0 == 0 }
    }

    /// Runs inflate over `input[offset...]` until the input is used up or the member ends; returns
    /// how many input bytes were consumed.
    private func inflateSome(_ input: [UInt8], from offset: Int, into sink: ([UInt8]) throws -> Void) throws -> Int {
        sawData = true
        var consumed = 0
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress! + offset)
            stream.avail_in = UInt32(inBuf.count - offset)
            defer { stream.next_in = nil; stream.avail_in = 0 }
            while true {
                let before = stream.avail_in
                var status = Z_OK
                // Inflate straight into a new, uninitialized chunk: no zeroing, no copy.
                let out = [UInt8](unsafeUninitializedCapacity: outputChunk) { buffer, count in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    count = buffer.count - Int(stream.avail_out)
                }
                consumed += Int(before - stream.avail_in)
                totalIn += Int64(before - stream.avail_in)
                totalOut += Int64(out.count)
                try limits.check(input: totalIn, output: totalOut, format: "gzip")
                if !out.isEmpty { try sink(out) }
                switch status {
                case Z_STREAM_END:
                    memberEnded = true
                    return
                case Z_OK:
                    if stream.avail_in == 0 && out.count < outputChunk { return }
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 { return }
                    throw XArchError(.invalidInput, "the gzip stream is corrupt (zlib made no progress)")
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw XArchError(.invalidInput, "the gzip stream is corrupt: \(detail)")
                }
            }
        }
        return consumed
    }
}
