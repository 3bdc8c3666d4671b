/// Bounds-checked little/big-endian reads from a byte buffer: every read outside the buffer is nil,
/// never a trap. Offsets come from untrusted headers, so all arithmetic is overflow-checked.
struct ByteView {
    let bytes: [UInt8]
    let bigEndian: Bool

    init(_ bytes: [UInt8], bigEndian: Bool = false) {
        self.bytes = bytes
        self.bigEndian = bigEndian
    }

    /// Whether `count` bytes at `offset` lie inside the buffer.
    func contains(_ offset: UInt64, _ count: UInt64) -> Bool {
        let (end, overflow) = offset.addingReportingOverflow(count)
        return !overflow && end <= UInt64(bytes.count)
    }

    func u8(_ offset: UInt64) -> UInt8? { contains(offset, 1) ? bytes[Int(offset)] : nil }
    func u16(_ offset: UInt64) -> UInt16? { unsigned(offset, 2).map { UInt16($0) } }
    func u32(_ offset: UInt64) -> UInt32? { unsigned(offset, 4).map { UInt32($0) } }
    func u64(_ offset: UInt64) -> UInt64? { unsigned(offset, 8) }

    /// A word of the file's class: 4 bytes for ELF32, 8 for ELF64.
    func word(_ offset: UInt64, wide: Bool) -> UInt64? { wide ? u64(offset) : u32(offset).map(UInt64.init) }

    private func unsigned(_ offset: UInt64, _ size: UInt64) -> UInt64? {
        guard contains(offset, size) else { return nil }
        let start = Int(offset)
        var value: UInt64 = 0
        for i in 0..<Int(size) {
            let b = UInt64(bytes[bigEndian ? start + i : start + Int(size) - 1 - i])
            value = value << 8 | b
        }
        return value
    }

    /// Bytes `[offset, offset+count)`, or nil when outside.
    func slice(_ offset: UInt64, _ count: UInt64) -> ArraySlice<UInt8>? {
        guard contains(offset, count) else { return nil }
        return bytes[Int(offset)..<Int(offset + count)]
    }
}

/// `a * b + c` for header arithmetic, nil on overflow.
func checkedExtent(_ offset: UInt64, count: UInt64, size: UInt64) -> UInt64? {
    let (product, o1) = count.multipliedReportingOverflow(by: size)
    let (end, o2) = offset.addingReportingOverflow(product)
    return o1 || o2 ? nil : end
}
