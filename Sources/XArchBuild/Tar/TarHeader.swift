import XArchModel

/// The metadata of one tar entry, in the form the writer encodes it.
///
/// Encoding follows POSIX.1-2001 `pax` (IEEE Std 1003.1, "pax Interchange Format"): a `ustar` header
/// whenever every field fits, and an extended header (`typeflag 'x'`) before it for the fields that do
/// not — long or non-ASCII names and link targets, sizes of 8 GiB and more, large ids. This is also what
/// Go's `archive/tar` writes, so layers look like the ones BuildKit and go-containerregistry produce.
struct TarHeader: Hashable, Sendable {
    /// The type flag (ustar `typeflag`).
    enum Kind: UInt8, Sendable {
        case regular = 0x30      // '0'
        case hardLink = 0x31     // '1'
        case symbolicLink = 0x32 // '2'
        case directory = 0x35    // '5'
        case paxExtended = 0x78  // 'x'
    }

    /// Path inside the archive, relative, without a leading `/`; directories end with `/`.
    var name: String
    var kind: Kind
    /// Permission bits with set-user-id, set-group-id and sticky (`07777`).
    var mode: UInt32
    var uid: Int
    var gid: Int
    var size: Int64
    /// Seconds since the epoch.
    var modificationTime: Int64
    /// Target of a link; empty otherwise.
    var linkName: String = ""

    /// The largest values the ustar numeric fields hold (octal, with a terminating NUL).
    static let maxUstarSize: Int64 = 0o77777777777
    static let maxUstarID = 0o7777777

    /// The 512-byte blocks announcing this entry: a pax extended header and its records when needed,
    /// then the ustar header.
    func encoded() -> [UInt8] {
        let records = paxRecords()
        guard !records.isEmpty else { return ustarBlock(name: name, linkName: linkName) }
        var payload: [UInt8] = []
        for (key, value) in records { payload += Self.paxRecord(key, value) }
        let pax = TarHeader(name: Self.paxName(for: name), kind: .paxExtended, mode: 0o644, uid: 0, gid: 0,
                            size: Int64(payload.count), modificationTime: modificationTime)
        var out = pax.ustarBlock(name: pax.name, linkName: "")
        out += payload
        out += TarHeader.padding(for: Int64(payload.count))
        out += ustarBlock(name: Self.truncated(name, 100), linkName: Self.truncated(linkName, 100))
        return out
    }

    /// Zero bytes that fill `size` bytes of data up to the next 512-byte boundary.
    static func padding(for size: Int64) -> [UInt8] {
        [UInt8](repeating: 0, count: Int((512 - size % 512) % 512))
    }

    /// The two zero blocks that end an archive.
    static let endOfArchive = [UInt8](repeating: 0, count: 1024)

    // MARK: - ustar

    /// Where a name is split between the ustar `prefix` (155 bytes) and `name` (100 bytes) fields,
    /// or nil when it cannot be stored there.
    static func ustarSplit(_ name: String) -> (prefix: String, name: String)? {
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

    private func ustarBlock(name: String, linkName: String) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        let split = Self.ustarSplit(name) ?? ("", Self.truncated(name, 100))
        Self.put(split.name, into: &block, at: 0, width: 100)
        Self.putOctal(Int64(mode & 0o7777), into: &block, at: 100, width: 8)
        Self.putOctal(Int64(min(uid, Self.maxUstarID)), into: &block, at: 108, width: 8)
        Self.putOctal(Int64(min(gid, Self.maxUstarID)), into: &block, at: 116, width: 8)
        Self.putOctal(min(size, Self.maxUstarSize), into: &block, at: 124, width: 12)
        Self.putOctal(min(max(modificationTime, 0), Self.maxUstarSize), into: &block, at: 136, width: 12)
        block[156] = kind.rawValue
        Self.put(Self.truncated(linkName, 100), into: &block, at: 157, width: 100)
        Self.put("ustar\0", into: &block, at: 257, width: 6)
        Self.put("00", into: &block, at: 263, width: 2)
        Self.put(split.prefix, into: &block, at: 345, width: 155)
        // Checksum: the byte sum with the checksum field read as spaces; six octal digits, NUL, space.
        for i in 148..<156 { block[i] = 0x20 }
        let sum = block.reduce(0) { $0 + Int64($1) }
        Self.putOctal(sum, into: &block, at: 148, width: 7)
        return block
    }

    // MARK: - pax

    /// The extended records this entry needs, in a fixed order (so the bytes are reproducible).
    func paxRecords() -> [(String, String)] {
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

    /// One record, `"<length> <key>=<value>\n"`, where the length counts the whole record.
    static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n"
        let bodyLength = body.utf8.count
        var length = bodyLength + String(bodyLength).count
        if String(length).count != String(bodyLength).count { length = bodyLength + String(length).count }
        return Array("\(length)\(body)".utf8)
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
