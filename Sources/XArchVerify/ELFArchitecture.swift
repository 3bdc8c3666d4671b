import XArchModel

/// What an ELF file must be to run on an OCI platform: class, byte order, `e_machine` and the ABI
/// that `e_flags` states. `expected(for:)` is the table, one row per GOARCH (and ARM variant).
public struct ELFArchitecture: Sendable, Hashable {
    /// The ABI rule checked on `e_flags`.
    public enum ABIRule: Sendable, Hashable {
        case none
        /// ARM EABI with a float ABI: `hard` (armhf, v7 and up), `soft` (armel, v5) or `either` (v6,
        /// where Debian armel and Raspbian/Alpine armhf both exist). Unmarked binaries pass.
        case arm(FloatABI)
        /// PowerPC 64: ELFv2 required (little-endian), any (big-endian).
        case ppc64(requireELFv2: Bool)
        /// MIPS: n64 (64-bit class, not n32) or o32, with an ISA from `isas`.
        case mips(isas: Set<UInt32>)
        /// RISC-V: the float ABI (`(e_flags >> 1) & 3`: 0 soft, 1 single, 2 double).
        case riscv(floatABI: UInt32)
    }

    public enum FloatABI: String, Sendable, Hashable { case hard, soft, either }

    /// `linux/arm64 (AArch64)`.
    public var name: String
    public var is64Bit: Bool
    public var isBigEndian: Bool
    public var machine: UInt16
    public var abi: ABIRule

    /// The expected architecture of ELF files in images of `platform`; nil for platforms xarch has no
    /// row for (their files are counted but not judged) and for non-ELF systems (windows).
    public static func expected(for platform: Platform) -> ELFArchitecture? {
        let p = platform.normalized
        guard p.os != "windows", p.os != "darwin" else { return nil }
        func row(_ cpu: String, _ is64: Bool, _ big: Bool, _ machine: UInt16, _ abi: ABIRule = .none) -> ELFArchitecture {
            ELFArchitecture(name: "\(p.formatted) (\(cpu))", is64Bit: is64, isBigEndian: big, machine: machine, abi: abi)
        }
        switch p.architecture {
        case "amd64": return row("x86-64", true, false, ELFMachine.x86_64)
        case "386": return row("Intel 80386", false, false, ELFMachine.i386)
        case "arm64": return row("AArch64", true, false, ELFMachine.aarch64)
        case "arm":
            let float: FloatABI = p.variant == "v5" ? .soft : p.variant == "v6" ? .either : .hard
            return row("ARM EABI5, \(float == .either ? "soft- or hard" : float.rawValue)-float", false, false, ELFMachine.arm, .arm(float))
        case "ppc64le": return row("64-bit PowerPC ELFv2, little-endian", true, false, ELFMachine.ppc64, .ppc64(requireELFv2: true))
        case "ppc64": return row("64-bit PowerPC, big-endian", true, true, ELFMachine.ppc64, .ppc64(requireELFv2: false))
        case "s390x": return row("IBM S/390, 64-bit", true, true, ELFMachine.s390)
        case "mips64le": return row("MIPS64 n64, little-endian", true, false, ELFMachine.mips, .mips(isas: ELFMachine.mips64ISAs))
        case "mips64": return row("MIPS64 n64, big-endian", true, true, ELFMachine.mips, .mips(isas: ELFMachine.mips64ISAs))
        case "mipsle": return row("MIPS32 o32, little-endian", false, false, ELFMachine.mips, .mips(isas: ELFMachine.mips32ISAs))
        case "mips": return row("MIPS32 o32, big-endian", false, true, ELFMachine.mips, .mips(isas: ELFMachine.mips32ISAs))
        case "riscv64": return row("RISC-V 64-bit, double-float ABI", true, false, ELFMachine.riscv, .riscv(floatABI: 2))
        case "loong64": return row("LoongArch 64-bit", true, false, ELFMachine.loongarch)
        default: return nil
        }
    }
}
