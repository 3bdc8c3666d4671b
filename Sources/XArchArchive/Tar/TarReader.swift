import XArchContent
import XArchModel

/// A streaming tar reader: yields each entry with a bounded prefix of its content and skips the rest
/// (`next()`), or yields the header and lets the caller stream the content (`nextHeader()`,
/// `readContent(upTo:)`), as an extractor does.
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
    /// Content bytes of the current entry not read yet, and the padding after them.
    private var contentLeft: Int64 = 0
    private var paddingLeft: Int64 = 0
    private var current = ""

    /// Reads the tar archive in `stream`, keeping the first `prefixLimit` bytes of each file in what
    /// `next()` returns.
    public init(_ stream: ByteStream, prefixLimit: Int = 16 * 1024) {
        reader = ChunkReader(stream)
        self.prefixLimit = Swift.max(0, prefixLimit)
    }

    /// Bytes of the archive consumed so far.
    public var offset: Int64 { reader.offset }

    /// The next entry with the first bytes of its content (up to the prefix limit); the rest of the
    /// content is skipped. nil after the end-of-archive marker (or a clean end of the stream at an entry
    /// boundary); at the end the rest of the stream is consumed, so its digest gets checked.
    public func next() async throws -> TarEntry? {
        guard var entry = try await nextHeader() else { return nil }
        let keep = Int(Swift.min(entry.size, Int64(prefixLimit)))
        entry.prefix = try await readContent(upTo: keep)
        guard entry.prefix.count == keep else { throw Self.truncated("inside the content of \(entry.path)") }
        try await skipRest()
        return entry
    }

    /// The next entry without reading its content: read it with `readContent(upTo:)` before the next
    /// call, or it is skipped then. nil at the end, as `next()`.
    public func nextHeader() async throws -> TarEntry? {
        try await skipRest()
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
            let header = try TarHeader(decoding: block, offset: headerOffset)
            switch header.kind {
            case .paxExtended:
                pax.merge(try await paxRecords(header), uniquingKeysWith: { $1 })
            case .paxGlobal:
                _ = try await paxRecords(header)
            case .gnuLongName:
                longName = try await longString(header)
            case .gnuLongLink:
                longLink = try await longString(header)
            default:
                return try entry(header, pax: pax, longName: longName, longLink: longLink)
            }
        }
    }

    /// The next piece of the current entry's content, at most `count` bytes; empty at its end.
    public func readContent(upTo count: Int) async throws -> [UInt8] {
        let want = Int(Swift.min(Int64(Swift.max(0, count)), contentLeft))
        guard want > 0 else { return [] }
        let bytes = try await reader.read(upTo: want)
        contentLeft -= Int64(bytes.count)
        guard bytes.count == want else { throw Self.truncated("inside the content of \(current)") }
        return bytes
    }

    /// Builds the entry from its header and the extended headers before it; its content is next.
    private func entry(_ header: TarHeader, pax: [String: String], longName: String?, longLink: String?) throws -> TarEntry {
        let kind = TarEntry.Kind(header.kind)
        var size = header.size
        if let paxSize = pax["size"] {
            guard let s = Int64(paxSize), s >= 0, s <= TarHeader.maxSize else {
                throw XArchError(.invalidInput, "the layer is not a valid tar archive: pax size '\(paxSize.prefix(40))' is not a non-negative number")
            }
            size = s
        }
        let path = pax["path"] ?? longName ?? header.name
        let link = pax["linkpath"] ?? longLink ?? header.linkName
        let dataSize = kind.isHeaderOnly ? 0 : size
        current = path
        contentLeft = dataSize
        paddingLeft = TarHeader.padded(dataSize) - dataSize
        return TarEntry(path: path, kind: kind, mode: header.mode, size: dataSize,
                        linkTarget: kind == .symlink || kind == .hardLink ? link : "",
                        uid: pax["uid"].flatMap { Int($0) } ?? header.uid,
                        gid: pax["gid"].flatMap { Int($0) } ?? header.gid,
                        modificationTime: pax["mtime"].flatMap(Self.seconds) ?? header.modificationTime,
                        deviceMajor: header.deviceMajor, deviceMinor: header.deviceMinor)
    }

    /// Whole seconds of a pax time (`1700000000.123456789`).
    static func seconds(_ value: String) -> Int64? {
        Int64(value.split(separator: ".", maxSplits: 1).first.map(String.init) ?? value)
    }

    /// Skips what is left of the current entry's content and the padding to the next block.
    private func skipRest() async throws {
        let remaining = contentLeft + paddingLeft
        guard remaining > 0 else { return }
        contentLeft = 0
        paddingLeft = 0
        guard try await reader.skip(remaining) == remaining else {
            // Content complete but padding missing at the very end: still a truncated archive.
            throw Self.truncated("inside the content of \(current)")
        }
    }

    /// `size` rounded up to whole blocks, without overflow (sizes are at most 2^62 here).
    static func padded(_ size: Int64) -> Int64 { TarHeader.padded(size) }

    /// Reads the content of a metadata entry (pax or GNU long name), refusing more than `cap`.
    private func metadata(_ header: TarHeader, cap: Int64, what: String) async throws -> [UInt8] {
        guard header.size <= cap else {
            throw XArchError(.tooLarge, "the layer has a \(what) of \(header.size) bytes, over the \(cap)-byte cap: refusing it")
        }
        let data = try await reader.read(upTo: Int(header.size))
        guard data.count == Int(header.size) else { throw Self.truncated("inside a \(what)") }
        let padding = TarHeader.padded(header.size) - header.size
        guard try await reader.skip(padding) == padding else { throw Self.truncated("inside the content of a \(what)") }
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
