import CZlib
import XArchModel

/// The fixed frame of every gzip member xarch writes (RFC 1952 section 2.3): a 10-byte header with no
/// file name, no comment, `MTIME` 0, `OS` 255 ("unknown") and `XFL` as section 2.3.1 says for the
/// level — what Go's `compress/gzip` writes — and an 8-byte trailer. Shared by `GzipDeflater` and
/// `ParallelGzipDeflater`, so both frame their deflate streams the same way.
enum GzipMember {
    /// The member header for zlib `level`.
    static func header(level: Int32) -> [UInt8] {
        let xfl: UInt8 = level == 9 ? 2 : (level == 1 ? 4 : 0)
        return [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, xfl, 0xFF]
    }

    /// The trailer: CRC-32 of the uncompressed data and its size modulo 2³², both little endian
    /// (RFC 1952 section 2.3.1, `CRC32` and `ISIZE`).
    static func trailer(crc: UInt, size: UInt64) -> [UInt8] {
        let size = UInt32(truncatingIfNeeded: size), check = UInt32(truncatingIfNeeded: crc)
        var trailer = [UInt8](repeating: 0, count: 8)
        for i in 0..<4 {
            trailer[i] = UInt8(truncatingIfNeeded: check >> (8 * UInt32(i)))
            trailer[4 + i] = UInt8(truncatingIfNeeded: size >> (8 * UInt32(i)))
        }
        return trailer
    }

    /// zlib's raw deflate (RFC 1951, no zlib wrapper: windowBits -15) at `level`, memLevel 8 and the
    /// default strategy, as gzip(1) uses; the caller owns (and `deflateEnd`s) the stream.
    static func startRawDeflate(_ stream: UnsafeMutablePointer<z_stream>, level: Int32) throws {
        stream.initialize(to: z_stream())
        let status = deflateInit2_(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            throw GzipMember.failure("cannot start gzip compression", status)
        }
    }

    static func failure(_ what: String, _ status: Int32) -> XArchError {
        XArchError(.io, "\(what) (zlib error \(status))")
    }
}
