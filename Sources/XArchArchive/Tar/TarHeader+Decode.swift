import XArchModel

/// Reading one 512-byte header block (POSIX.1-2001 ustar, pax Interchange Format; GNU tar's `ustar  `
/// variant and base-256 numbers). Every field is read inside the block; a size that does not parse, is
/// negative or overflows is an error, never a trap. Fields the readers do not rely on (owner, time,
/// device numbers) read as 0 when they hold garbage, as lenient extractors do.
extension TarHeader {
    /// Largest content size accepted (2^62 bytes), so block arithmetic never overflows.
    public static let maxSize: Int64 = 1 << 62

    /// Parses `block` (exactly 512 bytes, not all zero) found at `offset` of the archive.
    public init(decoding block: [UInt8], offset: Int64) throws {
        func invalid(_ what: String) -> XArchError {
            XArchError(.invalidInput, "the layer is not a valid tar archive: \(what) in the header at byte \(offset)")
        }
        guard block.count == Self.blockSize else { throw invalid("a short header") }
        guard let stored = Self.number(block[148..<156]), Self.checksumMatches(block, stored) else {
            throw invalid("a wrong checksum")
        }
        guard let size = Self.number(block[124..<136]) else { throw invalid("an unreadable or negative size") }
        guard size <= Self.maxSize else { throw invalid("a size of \(size) bytes, past any real file") }
        let isUstar = block[257..<263].elementsEqual("ustar\0".utf8)
        let prefix = isUstar ? Self.string(block[345..<500]) : ""
        let name = Self.string(block[0..<100])
        func lenient(_ range: Range<Int>) -> Int64 { Self.number(block[range]) ?? 0 }
        self.init(name: prefix.isEmpty ? name : prefix + "/" + name,
                  kind: Kind(rawValue: block[156]),
                  mode: UInt32(truncatingIfNeeded: lenient(100..<108)) & 0o7777,
                  uid: Int(truncatingIfNeeded: lenient(108..<116)),
                  gid: Int(truncatingIfNeeded: lenient(116..<124)),
                  size: size,
                  modificationTime: lenient(136..<148),
                  linkName: Self.string(block[157..<257]),
                  deviceMajor: Int(truncatingIfNeeded: lenient(329..<337)),
                  deviceMinor: Int(truncatingIfNeeded: lenient(337..<345)))
    }

    /// The stored checksum equals the unsigned (POSIX) or signed (old tars) sum of the block with
    /// the checksum field read as spaces.
    static func checksumMatches(_ block: [UInt8], _ stored: Int64) -> Bool {
        var unsigned: Int64 = 0, signed: Int64 = 0
        for (i, b) in block.enumerated() {
            let v: UInt8 = (148..<156).contains(i) ? 0x20 : b
            unsigned += Int64(v)
            signed += Int64(Int8(bitPattern: v))
        }
        return stored == unsigned || stored == signed
    }

    /// A NUL-terminated string field (bytes that are not UTF-8 are repaired, never trusted).
    static func string(_ field: ArraySlice<UInt8>) -> String {
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }

    /// A numeric field: octal (spaces and NULs around it allowed), or GNU base-256 when the high bit
    /// of the first byte is set. nil for garbage, negative values and overflow.
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            guard first & 0x40 == 0 else { return nil }  // negative base-256
            var value: Int64 = Int64(first & 0x3f)
            for b in field.dropFirst() {
                let (shifted, overflow) = value.multipliedReportingOverflow(by: 256)
                guard !overflow else { return nil }
                value = shifted | Int64(b)
            }
            return value
        }
        var value: Int64 = 0
        var digits = 0
        var ended = false
        for b in field {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard !ended else { return nil }
                let (v, overflow) = value.multipliedReportingOverflow(by: 8)
                guard !overflow else { return nil }
                value = v + Int64(b - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: " "), 0:
                if digits > 0 { ended = true }
            default:
                return nil
            }
        }
        return value
    }
}
