import XArchContent
import XArchModel

/// A streaming tar reader: yields each entry with a bounded prefix of its content and skips the rest.
///
/// Formats: ustar, GNU (`L`/`K` long names and links, base-256 numbers), pax extended headers
/// (`x`: `path`, `linkpath`, `size`; `g` global headers are validated and ignored, as by Go's
/// archive/tar). Every size is checked and every read stays inside the data: a malformed, oversized
/// or truncated archive is an `XArchError` (`invalidInput`, or `tooLarge` for capped metadata).
public final class TarReader {
    /// Largest pax extended header accepted (GNU tar's own cap is similar); past it: `tooLarge`.
    public static let maxPaxHeader: Int64 = 1 << 20
    /// Largest GNU long name or link accepted.
    public static let maxLongName: Int64 = 64 * 1024
    /// Most entries one layer may have.
    public static let maxEntries = 10_000_000

    private let reader: ChunkReader
    private let prefixLimit: Int
    private var ended = false
    private var entries = 0

    /// Reads the tar archive in `stream`, keeping the first `prefixLimit` bytes of each file.
    public init(_ stream: ByteStream, prefixLimit: Int = 16 * 1024) {
        reader = ChunkReader(stream)
        self.prefixLimit = Swift.max(0, prefixLimit)
    }

    /// Bytes of the archive consumed so far.
    public var offset: Int64 { reader.offset }

    /// The next entry, or nil after the end-of-archive marker (or a clean end of the stream at an
    /// entry boundary). At the end the rest of the stream is consumed, so its digest gets checked.
    public func next() async throws -> TarEntry? {
        guard !ended else { return nil }
        var pax: [String: String] = [:]
        var longName: String?, longLink: String?
        while true {
            let headerOffset = reader.offset
            let block = try await reader.read(upTo: TarHeader.blockSize)
            if block.allSatisfy({ $0 == 0 }) {
                // End-of-archive marker (two zero blocks; one, or none at an entry boundary, is accepted).
                guard pax.isEmpty, longName == nil, longLink == nil else {
                    throw Self.truncated("after an extended header, where an entry should follow")
                }
                ended = true
                try await reader.drain()
                return nil
            }
            guard block.count == TarHeader.blockSize else { throw Self.truncated("inside a header, at byte \(headerOffset)") }
            entries += 1
            guard entries <= Self.maxEntries else {
                throw XArchError(.tooLarge, "the layer has more than \(Self.maxEntries) tar entries")
            }
            let header = try TarHeader(block, offset: headerOffset)
            switch header.typeflag {
            case UInt8(ascii: "x"):
                pax.merge(try await paxRecords(header), uniquingKeysWith: { $1 })
            case UInt8(ascii: "g"):
                _ = try await paxRecords(header)
            case UInt8(ascii: "L"):
                longName = try await longString(header)
            case UInt8(ascii: "K"):
                longLink = try await longString(header)
            default:
                return try await entry(header, pax: pax, longName: longName, longLink: longLink)
            }
        }
    }

    /// Builds the entry from its header and the extended headers before it, reads its prefix and
    /// skips the rest of its content.
    private func entry(_ header: TarHeader, pax: [String: String], longName: String?, longLink: String?) async throws -> TarEntry {
        let kind = TarEntry.Kind(typeflag: header.typeflag)
        var size = header.size
        if let paxSize = pax["size"] {
            guard let s = Int64(paxSize), s >= 0, s <= TarHeader.maxSize else {
                throw XArchError(.invalidInput, "the layer is not a valid tar archive: pax size '\(paxSize.prefix(40))' is not a non-negative number")
            }
            size = s
        }
        let path = pax["path"] ?? longName ?? header.name
        let link = pax["linkpath"] ?? longLink ?? header.linkname
        let dataSize = kind.isHeaderOnly ? 0 : size
        let keep = Int(Swift.min(dataSize, Int64(prefixLimit)))
        let prefix = try await reader.read(upTo: keep)
        guard prefix.count == keep else { throw Self.truncated("inside the content of \(path)") }
        try await skipData(dataSize, alreadyRead: Int64(keep), what: path)
        return TarEntry(path: path, kind: kind, mode: header.mode, size: dataSize,
                        linkTarget: kind == .symlink || kind == .hardLink ? link : "", prefix: prefix)
    }

    /// Skips the rest of `size` content bytes and the padding to the next 512-byte block.
    private func skipData(_ size: Int64, alreadyRead: Int64, what: String) async throws {
        let padded = Self.padded(size)
        let remaining = padded - alreadyRead
        guard try await reader.skip(remaining) == remaining else {
            // Content complete but padding missing at the very end: still a truncated archive.
            throw Self.truncated("inside the content of \(what)")
        }
    }

    /// `size` rounded up to whole blocks, without overflow (sizes are at most Int64.max - 511 here).
    static func padded(_ size: Int64) -> Int64 {
        let rem = size % 512
        return rem == 0 ? size : size + (512 - rem)
    }

    /// Reads the content of a metadata entry (pax or GNU long name), refusing more than `cap`.
    private func metadata(_ header: TarHeader, cap: Int64, what: String) async throws -> [UInt8] {
        guard header.size <= cap else {
            throw XArchError(.tooLarge, "the layer has a \(what) of \(header.size) bytes, over the \(cap)-byte cap: refusing it")
        }
        let data = try await reader.read(upTo: Int(header.size))
        guard data.count == Int(header.size) else { throw Self.truncated("inside a \(what)") }
        try await skipData(header.size, alreadyRead: header.size, what: "a \(what)")
        return data
    }

    private func longString(_ header: TarHeader) async throws -> String {
        let data = try await metadata(header, cap: Self.maxLongName, what: "GNU long name")
        return TarHeader.string(data[...])
    }

    private func paxRecords(_ header: TarHeader) async throws -> [String: String] {
        try PaxRecords.parse(try await metadata(header, cap: Self.maxPaxHeader, what: "pax extended header"))
    }

    static func truncated(_ where_: String) -> XArchError {
        XArchError(.invalidInput, "the layer is truncated: its tar archive ends \(where_)")
    }
}
