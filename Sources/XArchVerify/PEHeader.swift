import XArchModel

/// The header of a Windows PE executable or DLL (Microsoft PE format: "MS-DOS Stub", "COFF File
/// Header", "Optional Header Data Directories"), parsed from a bounded prefix.
public struct PEHeader: Sendable, Hashable, Codable {
    /// `Machine` (`IMAGE_FILE_MACHINE_*`).
    public var machine: UInt16
    /// `Characteristics`; `0x2000` is a DLL.
    public var characteristics: UInt16
    /// Whether the CLR runtime header data directory is set: a .NET assembly (AnyCPU when it is
    /// marked i386).
    public var isDotNet: Bool

    public static let i386: UInt16 = 0x14c, amd64: UInt16 = 0x8664, arm64: UInt16 = 0xaa64
    public static let armnt: UInt16 = 0x1c4, arm64ec: UInt16 = 0xa641, arm64x: UInt16 = 0xa64e

    static let machineNames: [UInt16: String] = [
        0x14c: "Intel 386", 0x8664: "x86-64", 0xaa64: "ARM64", 0x1c4: "ARM Thumb-2",
        0xa641: "ARM64EC", 0xa64e: "ARM64X", 0x200: "IA-64",
    ]

    public var machineName: String { Self.machineNames[machine] ?? "machine 0x\(String(machine, radix: 16))" }

    /// "PE32+ executable (DLL) x86-64".
    public var description: String {
        "PE \(characteristics & 0x2000 != 0 ? "DLL" : "executable") \(machineName)" + (isDotNet ? " (.NET assembly)" : "")
    }
}

/// The result of looking at a file's first bytes for a PE image.
public enum PEParseResult: Sendable, Hashable {
    /// No `MZ` stub, or an MS-DOS program without a PE header.
    case notPE
    case pe(PEHeader)
    case malformed(String)
}

extension PEHeader {
    /// Parses `prefix`, the first bytes of a file of `fileSize` bytes.
    public static func parse(prefix: [UInt8], fileSize: Int64) -> PEParseResult {
        guard prefix.starts(with: [0x4d, 0x5a]) else { return .notPE }
        let v = ByteView(prefix)
        guard let lfanew = v.u32(0x3c).map(UInt64.init) else { return .notPE }
        let size = UInt64(Swift.max(fileSize, 0))
        guard let coffEnd = checkedExtent(lfanew, count: 1, size: 24), coffEnd <= size else {
            return lfanew < size ? .malformed("its PE header at offset \(lfanew) lies past the end of the \(fileSize)-byte file") : .notPE
        }
        guard let signature = v.slice(lfanew, 4) else {
            return .malformed("its PE header at offset \(lfanew) lies past the first \(prefix.count) bytes read")
        }
        guard signature.elementsEqual([0x50, 0x45, 0, 0]) else { return .notPE }
        let machine = v.u16(lfanew + 4)!, characteristics = v.u16(lfanew + 22)!
        let optionalSize = UInt64(v.u16(lfanew + 20)!)
        var header = PEHeader(machine: machine, characteristics: characteristics, isDotNet: false)
        // Optional header: magic 0x10b (PE32) or 0x20b (PE32+); data directory 14 is the CLR header.
        let optional = lfanew + 24
        if optionalSize > 0, let magic = v.u16(optional) {
            let directories: UInt64 = magic == 0x20b ? 112 : 96, countOffset: UInt64 = magic == 0x20b ? 108 : 92
            if let count = v.u32(optional + countOffset), count > 14, directories + 15 * 8 <= optionalSize,
               let rva = v.u32(optional + directories + 14 * 8) {
                header.isDotNet = rva != 0
            }
        }
        return .pe(header)
    }
}
