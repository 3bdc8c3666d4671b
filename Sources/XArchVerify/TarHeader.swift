import XArchModel

/// One 512-byte tar header block, parsed (POSIX.1-2001 ustar, pax Interchange Format; GNU tar's
/// `ustar  ` variant and base-256 numbers). Every field is read inside the block; numbers that do
/// not parse, are negative or overflow are errors, never traps.
struct TarHeader {
    static let blockSize = 512
    /// Largest content size accepted (2^62 bytes), so block arithmetic never overflows.
    static let maxSize: Int64 = 1 << 62

    var name: String
    var mode: UInt32
    var size: Int64
    var typeflag: UInt8
    var linkname: String

    /// Parses `block` (exactly 512 bytes, not all zero) found at `offset` of the layer.
    init(_ block: [UInt8], offset: Int64) throws {
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
        self.name = prefix.isEmpty ? name : prefix + "/" + name
        self.mode = UInt32(truncatingIfNeeded: Self.number(block[100..<108]) ?? 0) & 0o7777
        self.size = size
        self.typeflag = block[156]
        self.linkname = Self.string(block[157..<257])
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
