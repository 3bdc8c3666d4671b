import CZlib
import XArchModel

/// A gzip member (RFC 1952) whose every byte follows from the input and the level: zlib's raw deflate
/// (RFC 1951) between a header and trailer written here. The header is fixed — no file name, no
/// comment, `MTIME` 0, `OS` 255 ("unknown"), `XFL` as RFC 1952 section 2.3.1 says for the level —
/// exactly what Go's `compress/gzip` writes, so a layer's digest does not depend on the machine or the
/// clock (the reproducibility rule: same input, same bytes).
///
/// The life cycle is explicit: `compress` any number of times, then `finish()` once, or `discard()`
/// when giving up; each frees zlib's state.
public final class GzipDeflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var open = true
    private var crc: UInt = crc32(0, nil, 0)
    private var inputSize: UInt64 = 0
    private var headerWritten = false
    private let level: Int32
    private var output = [UInt8](repeating: 0, count: 256 * 1024)

    /// A deflater at zlib `level` (1 fastest … 9 smallest; -1 zlib's default, 6).
    public init(level: Int32) throws {
        self.level = level
        stream = .allocate(capacity: 1)
        do {
            try GzipMember.startRawDeflate(stream, level: level)
        } catch {
            stream.deallocate()
            throw error
        }
    }

    /// The 10-byte member header (RFC 1952 section 2.3).
    public var header: [UInt8] { GzipMember.header(level: level) }

    /// Compresses `input`, handing every piece of output (the header first) to `sink`.
    public func compress(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !input.isEmpty else { return }
        try writeHeaderOnce(sink)
        crc = crc32(crc, input.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(input.count))
        inputSize &+= UInt64(input.count)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        try drain(flush: Z_NO_FLUSH, sink: sink)
    }

    /// Ends the deflate stream and writes the trailer (CRC-32 and size modulo 2³², little endian).
    public func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        defer { discard() }
        try writeHeaderOnce(sink)
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try drain(flush: Z_FINISH, sink: sink)
        let trailer = GzipMember.trailer(crc: crc, size: inputSize)
        try trailer.withUnsafeBytes { try sink($0) }
    }

    /// Frees zlib's state; safe to call more than once.
    public func discard() {
        guard open else { return }
        open = false
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    private func writeHeaderOnce(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard open else { throw XArchError(.io, "gzip compression was already finished") }
        guard !headerWritten else { return }
        headerWritten = true
        try header.withUnsafeBytes { try sink($0) }
    }

    /// Runs deflate until it has consumed the input (and, with `Z_FINISH`, ended the stream).
    private func drain(flush: Int32, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let capacity = output.count
        try output.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            while true {
                stream.pointee.next_out = base
                stream.pointee.avail_out = uInt(capacity)
                let status = deflate(stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw GzipMember.failure("gzip compression failed", status)
                }
                let produced = capacity - Int(stream.pointee.avail_out)
                if produced > 0 { try sink(UnsafeRawBufferPointer(start: base, count: produced)) }
                if flush == Z_FINISH ? status == Z_STREAM_END : (stream.pointee.avail_in == 0 && produced < capacity) {
                    return
                }
            }
        }
    }
}

extension GzipDeflater {
    /// `bytes` as one gzip member at `level`, in memory (small content: configs, fixtures, tests).
    public static func gzip(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        let deflater = try GzipDeflater(level: level)
        var out: [UInt8] = []
        do {
            try bytes.withUnsafeBytes { input in
                try deflater.compress(input) { out.append(contentsOf: $0) }
            }
            try deflater.finish { out.append(contentsOf: $0) }
        } catch {
            deflater.discard()
            throw error
        }
        return out
    }
}
