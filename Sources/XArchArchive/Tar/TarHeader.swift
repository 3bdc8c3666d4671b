import XArchModel

/// The metadata of one tar entry: the one header type xarch reads and writes.
///
/// Encoding follows POSIX.1-2001 `pax` (IEEE Std 1003.1, "pax Interchange Format"): a `ustar` header
/// whenever every field fits, and an extended header (`typeflag 'x'`) before it for the fields that do
/// not — long or non-ASCII names and link targets, sizes of 8 GiB and more, large ids. This is also what
/// Go's `archive/tar` writes, so layers look like the ones BuildKit and go-containerregistry produce.
/// GNU tar's long-name entries (`L`, `K`) can be written too (`Format.gnu`), and decoding reads ustar,
/// GNU and pax headers alike (`TarHeader+Decode.swift`).
public struct TarHeader: Hashable, Sendable {
    /// The type flag (ustar `typeflag`): an open set, so any byte read from an archive is kept.
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// `'0'` (and the old `NUL`): a regular file.
        public static let regular = Kind(rawValue: 0x30)
        public static let hardLink = Kind(rawValue: 0x31)
        public static let symbolicLink = Kind(rawValue: 0x32)
        public static let characterDevice = Kind(rawValue: 0x33)
        public static let blockDevice = Kind(rawValue: 0x34)
        public static let directory = Kind(rawValue: 0x35)
        public static let fifo = Kind(rawValue: 0x36)
        /// `'x'`: pax extended header for the next entry.
        public static let paxExtended = Kind(rawValue: 0x78)
        /// `'g'`: pax global extended header.
        public static let paxGlobal = Kind(rawValue: 0x67)
        /// `'L'`: GNU long name of the next entry.
        public static let gnuLongName = Kind(rawValue: 0x4C)
        /// `'K'`: GNU long link target of the next entry.
        public static let gnuLongLink = Kind(rawValue: 0x4B)
    }

    /// How names and values that do not fit the ustar fields are written.
    public enum Format: Sendable {
        /// pax extended headers (POSIX.1-2001), as Go's `archive/tar` and BuildKit write them.
        case pax
        /// GNU tar's `././@LongLink` entries for long names and link targets.
        case gnu
    }

    /// Path inside the archive, relative, without a leading `/`; directories end with `/`.
    public var name: String
    public var kind: Kind
    /// Permission bits with set-user-id, set-group-id and sticky (`07777`).
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var size: Int64
    /// Seconds since the epoch.
    public var modificationTime: Int64
    /// Target of a link; empty otherwise.
    public var linkName: String
    /// Device numbers of character and block devices; 0 otherwise.
    public var deviceMajor: Int
    public var deviceMinor: Int

    /// A header; sizes and times in bytes and seconds.
    public init(name: String, kind: Kind, mode: UInt32, uid: Int = 0, gid: Int = 0, size: Int64 = 0,
                modificationTime: Int64 = 0, linkName: String = "", deviceMajor: Int = 0, deviceMinor: Int = 0) {
        self.name = name
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.modificationTime = modificationTime
        self.linkName = linkName
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
    }

    /// The size of a header block and the unit of content padding.
    public static let blockSize = 512
    /// The largest values the ustar numeric fields hold (octal, with a terminating NUL).
    static let maxUstarSize: Int64 = 0o77777777777
    static let maxUstarID = 0o7777777

    /// The 512-byte blocks announcing this entry: extended headers when needed (pax records, or GNU
    /// long-name entries), then the ustar header.
    public func encoded(format: Format = .pax) -> [UInt8] {
        switch format {
        case .pax: return paxEncoded()
        case .gnu: return gnuEncoded()
        }
    }

    private func paxEncoded() -> [UInt8] {
        let records = paxRecords()
        guard !records.isEmpty else { return ustarBlock(name: name, linkName: linkName) }
        var payload: [UInt8] = []
        for (key, value) in records { payload += PaxRecords.record(key, value) }
        let pax = TarHeader(name: Self.paxName(for: name), kind: .paxExtended, mode: 0o644,
                            size: Int64(payload.count), modificationTime: modificationTime)
        var out = pax.ustarBlock(name: pax.name, linkName: "")
        out += payload
        out += TarHeader.padding(for: Int64(payload.count))
        out += ustarBlock(name: Self.truncated(name, 100), linkName: Self.truncated(linkName, 100))
        return out
    }

    private func gnuEncoded() -> [UInt8] {
        var out: [UInt8] = []
        for (value, kind) in [(linkName, Kind.gnuLongLink), (name, Kind.gnuLongName)] where value.utf8.count > 100 {
            let data = Array(value.utf8) + [0]
            let long = TarHeader(name: "././@LongLink", kind: kind, mode: 0o644, size: Int64(data.count))
            out += long.ustarBlock(name: long.name, linkName: "", gnuMagic: true)
            out += data + TarHeader.padding(for: Int64(data.count))
        }
        out += ustarBlock(name: Self.truncated(name, 100), linkName: Self.truncated(linkName, 100), gnuMagic: true)
        return out
    }

    /// Zero bytes that fill `size` bytes of data up to the next 512-byte boundary.
    public static func padding(for size: Int64) -> [UInt8] {
        [UInt8](repeating: 0, count: Int((512 - size % 512) % 512))
    }

    /// `size` rounded up to whole blocks.
    public static func padded(_ size: Int64) -> Int64 {
        let rem = size % 512
        return rem == 0 ? size : size + (512 - rem)
    }

    /// The two zero blocks that end an archive.
    public static let endOfArchive = [UInt8](repeating: 0, count: 1024)

    // MARK: - ustar

    /// Where a name is split between the ustar `prefix` (155 bytes) and `name` (100 bytes) fields,
    /// or nil when it cannot be stored there.
    public static func ustarSplit(_ name: String) -> (prefix: String, name: String)? {
        let bytes = Array(name.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        if bytes.count <= 100 { return ("", name) }
        guard bytes.count <= 256 else { return nil }
        // The last slash that leaves at most 100 bytes after it and at most 155 before it.
        for i in stride(from: bytes.count - 1, through: 0, by: -1) where bytes[i] == 0x2F {
            let before = i, after = bytes.count - i - 1
            if after > 100 { break }
            if before <= 155, after > 0 {
                return (String(decoding: bytes[..<i], as: UTF8.self), String(decoding: bytes[(i + 1)...], as: UTF8.self))
            }
        }
        return nil
    }

    private func ustarBlock(name: String, linkName: String, gnuMagic: Bool = false) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        let split = gnuMagic ? ("", Self.truncated(name, 100)) : (Self.ustarSplit(name) ?? ("", Self.truncated(name, 100)))
        Self.put(split.1, into: &block, at: 0, width: 100)
        Self.putOctal(Int64(mode & 0o7777), into: &block, at: 100, width: 8)
        Self.putOctal(Int64(min(uid, Self.maxUstarID)), into: &block, at: 108, width: 8)
        Self.putOctal(Int64(min(gid, Self.maxUstarID)), into: &block, at: 116, width: 8)
        Self.putOctal(min(size, Self.maxUstarSize), into: &block, at: 124, width: 12)
        Self.putOctal(min(max(modificationTime, 0), Self.maxUstarSize), into: &block, at: 136, width: 12)
        block[156] = kind.rawValue
        Self.put(Self.truncated(linkName, 100), into: &block, at: 157, width: 100)
        if gnuMagic {
            Self.put("ustar  ", into: &block, at: 257, width: 8)
        } else {
            Self.put("ustar\0", into: &block, at: 257, width: 6)
            Self.put("00", into: &block, at: 263, width: 2)
        }
        if kind == .characterDevice || kind == .blockDevice {
            Self.putOctal(Int64(min(deviceMajor, Self.maxUstarID)), into: &block, at: 329, width: 8)
            Self.putOctal(Int64(min(deviceMinor, Self.maxUstarID)), into: &block, at: 337, width: 8)
        }
        Self.put(split.0, into: &block, at: 345, width: 155)
        Self.setChecksum(&block)
        return block
    }

    /// Writes the checksum of a 512-byte header block (the byte sum with the checksum field read as
    /// spaces; six octal digits, NUL, space), after its other fields were set or changed.
    public static func setChecksum(_ block: inout [UInt8]) {
        for i in 148..<156 { block[i] = 0x20 }
        let sum = block.reduce(0) { $0 + Int64($1) }
        putOctal(sum, into: &block, at: 148, width: 7)
    }

    // MARK: - pax

    /// The extended records this entry needs, in a fixed order (so the bytes are reproducible).
    public func paxRecords() -> [(String, String)] {
        var records: [(String, String)] = []
        if Self.ustarSplit(name) == nil { records.append(("path", name)) }
        if linkName.utf8.count > 100 || linkName.utf8.contains(where: { $0 >= 0x80 }) {
            records.append(("linkpath", linkName))
        }
        if size > Self.maxUstarSize { records.append(("size", String(size))) }
        if uid > Self.maxUstarID { records.append(("uid", String(uid))) }
        if gid > Self.maxUstarID { records.append(("gid", String(gid))) }
        if modificationTime > Self.maxUstarSize || modificationTime < 0 {
            records.append(("mtime", String(modificationTime)))
        }
        return records
    }

    /// The name of an extended header, `<dir>/PaxHeaders.0/<base>`, as Go's archive/tar forms it.
    static func paxName(for name: String) -> String {
        let trimmed = name.hasSuffix("/") ? String(name.dropLast()) : name
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        let base = parts.last.map(String.init) ?? trimmed
        let dir = parts.dropLast().joined(separator: "/")
        return truncated(dir.isEmpty ? "PaxHeaders.0/\(base)" : "\(dir)/PaxHeaders.0/\(base)", 100)
    }

    // MARK: - Field encoding

    /// The first `width` bytes of `text`, cut at a UTF-8 character boundary.
    static func truncated(_ text: String, _ width: Int) -> String {
        guard text.utf8.count > width else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if out.utf8.count + String(scalar).utf8.count > width { break }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    private static func put(_ text: String, into block: inout [UInt8], at offset: Int, width: Int) {
        for (i, byte) in text.utf8.prefix(width).enumerated() { block[offset + i] = byte }
    }

    /// `width - 1` zero-padded octal digits and a NUL.
    private static func putOctal(_ value: Int64, into block: inout [UInt8], at offset: Int, width: Int) {
        let digits = String(value, radix: 8)
        let padded = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        put(padded, into: &block, at: offset, width: width - 1)
        block[offset + width - 1] = 0
    }
}
