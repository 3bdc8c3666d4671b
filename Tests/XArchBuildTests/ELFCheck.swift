import Foundation
import XArchModel

/// Reads the ELF header of a file (the System V ABI, "ELF Header": `e_ident`, `e_machine` at offset 18)
/// to check that each platform's image holds a binary for that platform.
enum ELFCheck {
    /// `e_machine` of the ELF file `bytes`, in the byte order `e_ident[EI_DATA]` says; nil if not ELF.
    static func machine(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 20, bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else { return nil }
        let little = bytes[5] == 1
        return little ? Int(bytes[18]) | Int(bytes[19]) << 8 : Int(bytes[18]) << 8 | Int(bytes[19])
    }

    /// The `e_machine` a platform's executables have.
    static func expectedMachine(_ platform: String) -> Int? {
        switch platform.split(separator: "/").dropFirst().first.map(String.init) ?? "" {
        case "amd64": return 62     // EM_X86_64
        case "arm64": return 183    // EM_AARCH64
        case "arm": return 40       // EM_ARM
        case "386": return 3        // EM_386
        case "ppc64le": return 21   // EM_PPC64
        case "s390x": return 22     // EM_S390
        case "riscv64": return 243  // EM_RISCV
        case "mips64le": return 8   // EM_MIPS
        default: return nil
        }
    }

    /// The `qemu-user-static` binary that runs a platform's executables.
    static func qemu(_ platform: String) -> String? {
        switch platform.split(separator: "/").dropFirst().first.map(String.init) ?? "" {
        case "amd64": return "qemu-x86_64-static"
        case "arm64": return "qemu-aarch64-static"
        case "arm": return "qemu-arm-static"
        case "386": return "qemu-i386-static"
        case "ppc64le": return "qemu-ppc64le-static"
        case "s390x": return "qemu-s390x-static"
        case "riscv64": return "qemu-riscv64-static"
        case "mips64le": return "qemu-mips64el-static"
        default: return nil
        }
    }
}
