import CZlib
import XArchModel

/// One block of a parallel gzip stream (pigz's scheme), compressed on its own: a raw deflate stream
/// (RFC 1951) primed with the last 32 KiB of the input before it (`deflateSetDictionary`, so matches
/// reach back across the cut as they would in one stream) and ended with `Z_SYNC_FLUSH` — an empty
/// stored block that leaves the output on a byte boundary and the stream open — or, for the last
/// block, with `Z_FINISH` (the final block bit). Concatenated in order, the blocks are one valid
/// deflate stream; each block's bytes depend only on its input, its dictionary and the level.
struct GzipBlock: Sendable {
    /// The compressed bytes.
    var bytes: [UInt8]
    /// CRC-32 of the block's input (RFC 1952 section 8), combined by the caller with `crc32_combine`.
    var crc: UInt
    /// Bytes of input.
    var length: Int

    /// The deflate window: the most a match may reach back, and so the dictionary a block needs.
    static let windowSize = 32 * 1024

    /// Compresses `input` at `level`, primed with `dictionary` (empty for the first block).
    static func deflate(_ input: [UInt8], dictionary: [UInt8], level: Int32, last: Bool) throws -> GzipBlock {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        defer { stream.deallocate() }
        try GzipMember.startRawDeflate(stream, level: level)
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
        }
        if !dictionary.isEmpty {
            let status = dictionary.withUnsafeBufferPointer {
                deflateSetDictionary(stream, $0.baseAddress, uInt($0.count))
            }
            guard status == Z_OK else { throw GzipMember.failure("cannot prime gzip compression", status) }
        }
        let bound = Int(deflateBound(stream, uLong(input.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        var produced = 0
        let flush = last ? Z_FINISH : Z_SYNC_FLUSH
        try input.withUnsafeBufferPointer { source in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.pointee.avail_in = uInt(source.count)
            while true {
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: bound)) }
                let room = output.count - produced
                let status = output.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress! + produced
                    stream.pointee.avail_out = uInt(room)
                    return CZlib.deflate(stream, flush)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw GzipMember.failure("gzip compression failed", status)
                }
                produced += room - Int(stream.pointee.avail_out)
                // Done: Z_FINISH reached the end; a sync flush is complete when output room was left.
                if last ? status == Z_STREAM_END : stream.pointee.avail_out != 0 { break }
            }
        }
        output.removeSubrange(produced...)
        let check = input.withUnsafeBufferPointer { crc32(crc32(0, nil, 0), $0.baseAddress, uInt($0.count)) }
        return GzipBlock(bytes: output, crc: check, length: input.count)
    }
}
