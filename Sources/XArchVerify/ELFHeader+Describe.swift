/// Human descriptions in the style of file(1): "ELF 64-bit LSB x86-64 executable, statically linked".
extension ELFHeader {
    static let machineNames: [UInt16: String] = [
        2: "SPARC", 3: "Intel 80386", 8: "MIPS", 20: "PowerPC", 21: "64-bit PowerPC", 22: "IBM S/390",
        40: "ARM", 43: "SPARC V9", 50: "IA-64", 62: "x86-64", 183: "ARM aarch64", 243: "RISC-V",
        258: "LoongArch",
    ]

    /// The name of `e_machine`.
    public var machineName: String { Self.machineNames[machine] ?? "machine \(machine)" }

    /// The ABI that `e_flags` states, when the architecture has one xarch checks.
    public var abiDescription: String? {
        switch machine {
        case ELFMachine.arm:
            let eabi = flags >> 24
            let float = flags & ELFMachine.armHardFloat != 0 ? ", hard-float" : flags & ELFMachine.armSoftFloat != 0 ? ", soft-float" : ""
            return (eabi == 0 ? "old ABI (OABI)" : "EABI\(eabi)") + float
        case ELFMachine.ppc64:
            return ["", "ELFv1", "ELFv2", "ABI 3"][Int(flags & 3)].nilIfEmpty
        case ELFMachine.mips:
            let isa = ELFMachine.mipsISANames[flags & ELFMachine.mipsArchMask] ?? "ISA 0x\(String(flags >> 28, radix: 16))"
            return is64Bit ? isa : isa + (flags & ELFMachine.mipsABI2 != 0 ? " n32" : " o32")
        case ELFMachine.riscv:
            return ["soft-float ABI", "single-float ABI", "double-float ABI", "quad-float ABI"][Int((flags >> 1) & 3)]
        default:
            return nil
        }
    }

    /// `executable`, `pie executable`, `shared object`, `relocatable`, `core file`.
    public var kindDescription: String {
        switch type {
        case Self.typeExecutable: return "executable"
        case Self.typeShared: return interpreter != nil ? "pie executable" : "shared object"
        case Self.typeRelocatable: return "relocatable"
        case Self.typeCore: return "core file"
        default: return "file of type \(type)"
        }
    }

    /// How it is linked: by its `PT_INTERP` loader, or statically.
    public var linkageDescription: String {
        if let interpreter { return "dynamically linked, interpreter \(interpreter)" }
        if !programHeadersRead { return "linkage unknown" }
        if type == Self.typeExecutable && !hasDynamicSegment { return "statically linked" }
        if type == Self.typeShared && hasDynamicSegment { return "no interpreter" }
        return type == Self.typeExecutable ? "statically linked" : ""
    }

    /// One line: "ELF 64-bit LSB x86-64 executable, statically linked".
    public var description: String {
        var parts = ["ELF \(is64Bit ? 64 : 32)-bit \(isBigEndian ? "MSB" : "LSB") \(machineName)"]
        if let abi = abiDescription { parts[0] += " (\(abi))" }
        parts[0] += " " + kindDescription
        if !linkageDescription.isEmpty { parts.append(linkageDescription) }
        return parts.joined(separator: ", ")
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
