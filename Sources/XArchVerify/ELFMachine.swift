/// `e_machine` values and `e_flags` bits xarch checks (glibc elf.h; ARM ELF ABI "e_flags"; MIPS
/// psABI; Power ELFv2 ABI; RISC-V ELF psABI "e_flags").
public enum ELFMachine {
    public static let i386: UInt16 = 3, mips: UInt16 = 8, ppc: UInt16 = 20, ppc64: UInt16 = 21, s390: UInt16 = 22
    public static let arm: UInt16 = 40, x86_64: UInt16 = 62, aarch64: UInt16 = 183, riscv: UInt16 = 243
    public static let loongarch: UInt16 = 258

    /// ARM: `EF_ARM_ABI_FLOAT_SOFT` (armel) and `EF_ARM_ABI_FLOAT_HARD` (armhf); `EF_ARM_EABIMASK` is the top byte.
    public static let armSoftFloat: UInt32 = 0x200, armHardFloat: UInt32 = 0x400

    /// MIPS: `EF_MIPS_ABI2` (n32), `EF_MIPS_ARCH` (the ISA in the top nibble).
    public static let mipsABI2: UInt32 = 0x20, mipsArchMask: UInt32 = 0xf000_0000
    public static let mipsISANames: [UInt32: String] = [
        0x0000_0000: "MIPS-I", 0x1000_0000: "MIPS-II", 0x2000_0000: "MIPS-III", 0x3000_0000: "MIPS-IV",
        0x4000_0000: "MIPS-V", 0x5000_0000: "MIPS32", 0x6000_0000: "MIPS64", 0x7000_0000: "MIPS32 rel2",
        0x8000_0000: "MIPS64 rel2", 0x9000_0000: "MIPS32 rel6", 0xa000_0000: "MIPS64 rel6",
    ]
    /// 64-bit ISAs before release 6 (which is not backward compatible).
    static let mips64ISAs: Set<UInt32> = [0x2000_0000, 0x3000_0000, 0x4000_0000, 0x6000_0000, 0x8000_0000]
    static let mips32ISAs: Set<UInt32> = [0x0000_0000, 0x1000_0000, 0x5000_0000, 0x7000_0000]
}
