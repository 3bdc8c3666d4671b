/// Judging one ELF header against the architecture a platform expects.
extension ELFArchitecture {
    /// Why an ELF file does not fit, when it does not.
    public struct Mismatch: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, Codable {
            /// Another machine, class or byte order: `exec format error`.
            case wrongArchitecture = "wrong-architecture"
            /// Another architecture that this platform's CPUs often run too (386 on amd64, 32-bit ARM
            /// on arm64, o32 MIPS on mips64): it depends on the kernel and the CPU.
            case compatibleArchitecture = "compatible-architecture"
            /// ARM hard- vs soft-float, RISC-V float ABI.
            case floatABI = "float-abi-mismatch"
            /// Another ABI of the right machine: ARM OABI, PowerPC ELFv1, MIPS ISA release 6 or n32.
            case abi = "abi-mismatch"
            /// Built for another operating system (`EI_OSABI`).
            case wrongOS = "wrong-os"
        }
        public var kind: Kind
        /// What is wrong, in words ("soft-float (armel) binary in a hard-float platform").
        public var detail: String
    }

    /// `EI_OSABI` values of other systems (0 System V and 3 GNU/Linux are Linux's).
    static let otherSystems: [UInt8: String] = [
        1: "HP-UX", 2: "NetBSD", 6: "Solaris", 7: "AIX", 8: "IRIX", 9: "FreeBSD", 10: "Tru64",
        11: "Novell Modesto", 12: "OpenBSD", 13: "OpenVMS", 14: "NonStop Kernel", 15: "AROS",
        16: "FenixOS", 17: "CloudABI", 18: "OpenVOS",
    ]

    /// The mismatch of `elf` with this architecture, or nil when it runs here.
    public func check(_ elf: ELFHeader) -> Mismatch? {
        if let system = Self.otherSystems[elf.osABI] {
            return Mismatch(kind: .wrongOS, detail: "built for \(system), not Linux")
        }
        if elf.machine != machine || elf.is64Bit != is64Bit || elf.isBigEndian != isBigEndian {
            if runsAsCompatible(elf) {
                return Mismatch(kind: .compatibleArchitecture,
                                detail: "a 32-bit \(elf.machineName) binary: it runs only where the CPU and kernel support 32-bit programs")
            }
            return Mismatch(kind: .wrongArchitecture, detail: "built for \(elf.machineName), \(elf.is64Bit ? 64 : 32)-bit \(elf.isBigEndian ? "big" : "little")-endian")
        }
        return checkABI(elf)
    }

    /// 386 on amd64, 32-bit ARM on arm64, 32-bit MIPS of the same byte order on 64-bit MIPS.
    private func runsAsCompatible(_ elf: ELFHeader) -> Bool {
        guard !elf.is64Bit, is64Bit, elf.isBigEndian == isBigEndian else { return false }
        switch (machine, elf.machine) {
        case (ELFMachine.x86_64, ELFMachine.i386), (ELFMachine.aarch64, ELFMachine.arm), (ELFMachine.mips, ELFMachine.mips):
            return true
        default:
            return false
        }
    }

    private func checkABI(_ elf: ELFHeader) -> Mismatch? {
        let flags = elf.flags
        switch abi {
        case .none:
            return nil
        case .arm(let float):
            if flags >> 24 == 0 {
                return Mismatch(kind: .abi, detail: "old ARM ABI (OABI): EABI systems do not run it")
            }
            let hard = flags & ELFMachine.armHardFloat != 0, soft = flags & ELFMachine.armSoftFloat != 0
            if float == .hard && soft {
                return Mismatch(kind: .floatABI, detail: "float-ABI mismatch: soft-float (armel) binary in a hard-float (armhf) platform")
            }
            if float == .soft && hard {
                return Mismatch(kind: .floatABI, detail: "float-ABI mismatch: hard-float (armhf) binary in a soft-float (armel) platform")
            }
            return nil
        case .ppc64(let requireELFv2):
            if requireELFv2 && flags & 3 == 1 {
                return Mismatch(kind: .abi, detail: "PowerPC ELFv1 ABI: little-endian ppc64 systems run only ELFv2")
            }
            return nil
        case .mips(let isas):
            let isa = flags & ELFMachine.mipsArchMask
            if !elf.is64Bit && flags & ELFMachine.mipsABI2 != 0 {
                return Mismatch(kind: .abi, detail: "MIPS n32 ABI, the platform uses o32")
            }
            if !isas.contains(isa) {
                return Mismatch(kind: .abi, detail: "\(ELFMachine.mipsISANames[isa] ?? "unknown") ISA, which this platform's CPUs do not run")
            }
            return nil
        case .riscv(let expected):
            let actual = (flags >> 1) & 3
            if actual != expected {
                let names = ["soft-float", "single-float", "double-float", "quad-float"]
                return Mismatch(kind: .floatABI, detail: "float-ABI mismatch: \(names[Int(actual)]) ABI binary in a \(names[Int(expected & 3)]) (lp64d) platform")
            }
            return nil
        }
    }
}
