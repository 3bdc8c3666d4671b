#!/usr/bin/env python3
"""Generate the tiny static `hello` executables of examples/hello, one per platform.

Every binary is a minimal ELF executable written byte by byte by this script: an ELF header, one
PT_LOAD program header that maps the whole file read+execute, a few hand-encoded instructions and the
message. The program makes two raw Linux system calls, nothing else:

    write(1, "hello from <platform>\\n", len)
    exit(0)

No compiler, assembler, linker or download is involved: the instruction encoders below are small
functions that build each instruction word from its fields, and each call carries the instruction's
assembly text (printed by --listing). Output is deterministic: same bytes on every run and machine.

Usage:
    generate.py             write bin/<os>-<arch><variant>/hello for every platform (mode 0755)
    generate.py --check     regenerate in memory and compare with the files in bin/ (exit 1 on mismatch)
    generate.py --list      print "platform directory" for every platform
    generate.py --listing   print the assembly listing (address, encoding, instruction) of every binary

Python 3 standard library only.
"""

import argparse
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.join(HERE, "bin")

# ---------------------------------------------------------------------------------------------------
# ELF constants (System V ABI gABI + the processor supplements)

ELFCLASS32, ELFCLASS64 = 1, 2
ELFDATA2LSB, ELFDATA2MSB = 1, 2
EV_CURRENT = 1
ELFOSABI_SYSV = 0
ET_EXEC = 2
PT_LOAD = 1
PF_X, PF_W, PF_R = 1, 2, 4

EM_386 = 3
EM_MIPS = 8
EM_PPC64 = 21
EM_S390 = 22
EM_ARM = 40
EM_X86_64 = 62
EM_AARCH64 = 183
EM_RISCV = 243

EF_ARM_EABI_VER5 = 0x05000000    # ARM EABI version 5 (what GNU ld writes for Linux EABI binaries)
EF_ARM_ABI_FLOAT_SOFT = 0x00000200  # base procedure-call standard: soft-float (armel, arm/v5, arm/v6)
EF_ARM_ABI_FLOAT_HARD = 0x00000400  # VFP procedure-call standard: hard-float (armhf, arm/v7)
EF_PPC64_ABI_V2 = 2              # e_flags & 3 == 2: OpenPOWER ELF V2 ABI (ppc64le; no function descriptors)
EF_RISCV_RVC = 0x0001            # may contain compressed instructions (not set: we emit none)
EF_RISCV_FLOAT_ABI_DOUBLE = 0x0004  # LP64D, the Linux riscv64 ABI
EF_MIPS_ARCH_64R2 = 0x80000000   # MIPS64 release 2 (Debian mips64el baseline); n64 ABI = ELFCLASS64, no ABI2

# Every binary is mapped at BASE. Offset 0 maps to BASE, so BASE must be a multiple of the largest page
# size the kernels use (64 KiB on some ppc64le and arm64 kernels); p_align says so.
BASE = 0x400000
SEGMENT_ALIGN = 0x10000


# ---------------------------------------------------------------------------------------------------
# A tiny "assembler": collects encoded instructions and their assembly text at known addresses.

class Code:
    def __init__(self, addr):
        self.addr = addr            # virtual address of the first instruction
        self.out = bytearray()
        self.listing = []           # (address, encoding, assembly, comment)

    @property
    def pc(self):
        """Address of the next instruction."""
        return self.addr + len(self.out)

    def emit(self, encoding, asm, note=""):
        """Append one instruction: its encoding, its assembly text and an optional comment."""
        self.listing.append((self.pc, bytes(encoding), asm, note))
        self.out += encoding


def u32le(word):
    return struct.pack("<I", word & 0xFFFFFFFF)


def fits_signed(value, bits):
    return -(1 << (bits - 1)) <= value < (1 << (bits - 1))


def check(cond, what):
    if not cond:
        raise ValueError(what)


# ---------------------------------------------------------------------------------------------------
# x86 (i386) and x86-64 — Intel SDM vol. 2

EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI = range(8)   # same numbers for rax..rdi


def x86_mov_r32_imm32(reg, imm):
    """mov r32, imm32 — B8+rd id (on x86-64 also zero-extends into the 64-bit register)."""
    return bytes([0xB8 + reg]) + struct.pack("<I", imm)


def x86_xor_r32_r32(dst, src):
    """xor r/m32, r32 — 31 /r, ModRM mod=11 (register direct), reg=src, rm=dst."""
    return bytes([0x31, 0xC0 | src << 3 | dst])


def x86_int(vector):
    """int imm8 — CD ib."""
    return bytes([0xCD, vector])


def x64_lea_rip(reg, next_pc, target):
    """lea r64, [rip + disp32] — REX.W 8D /r, ModRM mod=00 rm=101; disp is relative to the next instruction."""
    check(reg < 8, "lea: registers r8-r15 need REX.R")
    disp = target - next_pc
    check(fits_signed(disp, 32), "lea: displacement out of range")
    return bytes([0x48, 0x8D, reg << 3 | 0b101]) + struct.pack("<i", disp)


def x64_syscall():
    """syscall — 0F 05."""
    return bytes([0x0F, 0x05])


def program_amd64(c, msg, n):
    c.emit(x86_mov_r32_imm32(EAX, 1), "mov eax, 1", "__NR_write")
    c.emit(x86_mov_r32_imm32(EDI, 1), "mov edi, 1", "fd = stdout")
    c.emit(x64_lea_rip(ESI, c.pc + 7, msg), "lea rsi, [rip + msg]", "buf")
    c.emit(x86_mov_r32_imm32(EDX, n), "mov edx, %d" % n, "count")
    c.emit(x64_syscall(), "syscall")
    c.emit(x86_mov_r32_imm32(EAX, 60), "mov eax, 60", "__NR_exit")
    c.emit(x86_xor_r32_r32(EDI, EDI), "xor edi, edi", "status = 0")
    c.emit(x64_syscall(), "syscall")


def program_386(c, msg, n):
    c.emit(x86_mov_r32_imm32(EAX, 4), "mov eax, 4", "__NR_write")
    c.emit(x86_mov_r32_imm32(EBX, 1), "mov ebx, 1", "fd = stdout")
    c.emit(x86_mov_r32_imm32(ECX, msg), "mov ecx, 0x%x" % msg, "buf = msg (absolute address)")
    c.emit(x86_mov_r32_imm32(EDX, n), "mov edx, %d" % n, "count")
    c.emit(x86_int(0x80), "int 0x80")
    c.emit(x86_mov_r32_imm32(EAX, 1), "mov eax, 1", "__NR_exit")
    c.emit(x86_xor_r32_r32(EBX, EBX), "xor ebx, ebx", "status = 0")
    c.emit(x86_int(0x80), "int 0x80")


# ---------------------------------------------------------------------------------------------------
# AArch64 (A64) — Arm ARM, little-endian 32-bit instruction words

def a64_movz(rd, imm16):
    """movz Xd, #imm16 — sf=1 opc=10 100101 hw=00 imm16 Rd."""
    check(0 <= imm16 <= 0xFFFF, "movz: immediate out of range")
    return u32le(0xD2800000 | imm16 << 5 | rd)


def a64_adr(rd, pc, target):
    """adr Xd, label — op=0 immlo 10000 immhi Rd; offset relative to this instruction, +-1 MiB."""
    off = target - pc
    check(fits_signed(off, 21), "adr: offset out of range")
    return u32le(0x10000000 | (off & 3) << 29 | ((off >> 2) & 0x7FFFF) << 5 | rd)


def a64_svc(imm16):
    """svc #imm16 — 11010100 000 imm16 000 01."""
    return u32le(0xD4000001 | imm16 << 5)


def program_arm64(c, msg, n):
    c.emit(a64_movz(0, 1), "mov x0, #1", "fd = stdout")
    c.emit(a64_adr(1, c.pc, msg), "adr x1, msg", "buf")
    c.emit(a64_movz(2, n), "mov x2, #%d" % n, "count")
    c.emit(a64_movz(8, 64), "mov x8, #64", "__NR_write")
    c.emit(a64_svc(0), "svc #0")
    c.emit(a64_movz(0, 0), "mov x0, #0", "status = 0")
    c.emit(a64_movz(8, 93), "mov x8, #93", "__NR_exit")
    c.emit(a64_svc(0), "svc #0")


# ---------------------------------------------------------------------------------------------------
# 32-bit Arm (A32, "ARM state"), EABI syscalls — valid on ARMv4T and later, so one program serves
# arm/v5, arm/v6 and arm/v7. The entry address is even, so execution starts in ARM (not Thumb) state.

COND_AL = 0xE
ARM_PC = 15


def a32_modified_imm(value):
    """Encode value as an A32 modified immediate: an 8-bit value rotated right by 2*rot (rot:imm8)."""
    for rot in range(16):
        imm8 = ((value << (2 * rot)) | (value >> (32 - 2 * rot))) & 0xFFFFFFFF if rot else value
        if imm8 <= 0xFF:
            return rot << 8 | imm8
    raise ValueError("A32: 0x%x is not a modified immediate" % value)


def a32_dp_imm(opcode, rd, rn, value):
    """Data-processing (immediate): cond 001 opcode S=0 Rn Rd rot:imm8."""
    return u32le(COND_AL << 28 | 0b001 << 25 | opcode << 21 | rn << 16 | rd << 12 | a32_modified_imm(value))


def a32_mov_imm(rd, value):
    """mov Rd, #imm — opcode 1101."""
    return a32_dp_imm(0b1101, rd, 0, value)


def a32_adr(rd, pc, target):
    """adr Rd, label = add Rd, pc, #offset — opcode 0100; the pc reads as this instruction + 8."""
    return a32_dp_imm(0b0100, rd, ARM_PC, target - (pc + 8))


def a32_svc(imm24):
    """svc #imm24 — cond 1111 imm24."""
    return u32le(COND_AL << 28 | 0xF << 24 | imm24)


def program_arm(c, msg, n):
    c.emit(a32_mov_imm(0, 1), "mov r0, #1", "fd = stdout")
    c.emit(a32_adr(1, c.pc, msg), "add r1, pc, #%d" % (msg - c.pc - 8), "buf = msg")
    c.emit(a32_mov_imm(2, n), "mov r2, #%d" % n, "count")
    c.emit(a32_mov_imm(7, 4), "mov r7, #4", "__NR_write")
    c.emit(a32_svc(0), "svc #0")
    c.emit(a32_mov_imm(0, 0), "mov r0, #0", "status = 0")
    c.emit(a32_mov_imm(7, 1), "mov r7, #1", "__NR_exit")
    c.emit(a32_svc(0), "svc #0")


# ---------------------------------------------------------------------------------------------------
# PowerPC64 little-endian (Power ISA; ELFv2). Syscall number in r0, arguments in r3..r5, `sc`.

PPC_SPR_LR = 8


def ppc_addi(rt, ra, si):
    """addi RT, RA, SI — D-form, primary opcode 14 (RA=0 means the value 0: `li`)."""
    check(fits_signed(si, 16), "addi: immediate out of range")
    return u32le(14 << 26 | rt << 21 | ra << 16 | (si & 0xFFFF))


def ppc_bcl(bo, bi, pc, target):
    """bcl BO, BI, target — B-form, opcode 16, AA=0 LK=1; displacement relative to this instruction."""
    bd = target - pc
    check(bd % 4 == 0 and fits_signed(bd, 16), "bcl: displacement out of range")
    return u32le(16 << 26 | bo << 21 | bi << 16 | (bd & 0xFFFC) | 1)


def ppc_mfspr(rt, spr):
    """mfspr RT, SPR — XFX-form, opcode 31, XO 339; the 10-bit SPR field has its two halves swapped."""
    field = (spr & 0x1F) << 5 | (spr >> 5)
    return u32le(31 << 26 | rt << 21 | field << 11 | 339 << 1)


def ppc_sc():
    """sc — SC-form, opcode 17, bit 30 set."""
    return u32le(17 << 26 | 2)


def program_ppc64le(c, msg, n):
    c.emit(ppc_addi(0, 0, 4), "li r0, 4", "__NR_write")
    c.emit(ppc_addi(3, 0, 1), "li r3, 1", "fd = stdout")
    here = c.pc + 4
    c.emit(ppc_bcl(20, 31, c.pc, here), "bcl 20, 31, $+4", "LR = address of the next instruction")
    c.emit(ppc_mfspr(4, PPC_SPR_LR), "mflr r4")
    c.emit(ppc_addi(4, 4, msg - here), "addi r4, r4, %d" % (msg - here), "buf = msg")
    c.emit(ppc_addi(5, 0, n), "li r5, %d" % n, "count")
    c.emit(ppc_sc(), "sc")
    c.emit(ppc_addi(0, 0, 1), "li r0, 1", "__NR_exit")
    c.emit(ppc_addi(3, 0, 0), "li r3, 0", "status = 0")
    c.emit(ppc_sc(), "sc")


# ---------------------------------------------------------------------------------------------------
# s390x (z/Architecture), big-endian. Syscall number < 256 goes in the `svc` instruction itself,
# arguments in r2..r4.

def s390_lghi(r1, i2):
    """lghi R1, I2 — RI-a format A7x9: load 16-bit signed immediate into a 64-bit register."""
    check(fits_signed(i2, 16), "lghi: immediate out of range")
    return bytes([0xA7, r1 << 4 | 0x9]) + struct.pack(">h", i2)


def s390_larl(r1, pc, target):
    """larl R1, label — RIL-b format C0x0: R1 = this instruction + 2 * I2 (halfword offset)."""
    off = target - pc
    check(off % 2 == 0 and fits_signed(off // 2, 32), "larl: target must be halfword aligned, in range")
    return bytes([0xC0, r1 << 4 | 0x0]) + struct.pack(">i", off // 2)


def s390_svc(number):
    """svc I — I format 0A ii."""
    check(0 <= number <= 0xFF, "svc: number out of range")
    return bytes([0x0A, number])


def program_s390x(c, msg, n):
    c.emit(s390_lghi(2, 1), "lghi %r2, 1", "fd = stdout")
    c.emit(s390_larl(3, c.pc, msg), "larl %r3, msg", "buf")
    c.emit(s390_lghi(4, n), "lghi %%r4, %d" % n, "count")
    c.emit(s390_svc(4), "svc 4", "__NR_write")
    c.emit(s390_lghi(2, 0), "lghi %r2, 0", "status = 0")
    c.emit(s390_svc(1), "svc 1", "__NR_exit")


# ---------------------------------------------------------------------------------------------------
# RISC-V RV64I (no compressed instructions). Syscall number in a7, arguments in a0..a2, `ecall`.

RV_ZERO, RV_A0, RV_A1, RV_A2, RV_A7 = 0, 10, 11, 12, 17


def rv_addi(rd, rs1, imm):
    """addi rd, rs1, imm — I-type: imm[11:0] rs1 000 rd 0010011."""
    check(fits_signed(imm, 12), "addi: immediate out of range")
    return u32le((imm & 0xFFF) << 20 | rs1 << 15 | 0b000 << 12 | rd << 7 | 0b0010011)


def rv_auipc(rd, imm20):
    """auipc rd, imm20 — U-type: imm[31:12] rd 0010111; rd = this instruction + (imm20 << 12)."""
    return u32le((imm20 & 0xFFFFF) << 12 | rd << 7 | 0b0010111)


def rv_ecall():
    """ecall — SYSTEM opcode 1110011 with all other fields 0."""
    return u32le(0b1110011)


def rv_pcrel(pc, target):
    """Split target - pc into the %pcrel_hi (auipc) and %pcrel_lo (addi) parts."""
    off = target - pc
    hi = (off + 0x800) >> 12
    return hi, off - (hi << 12)


def program_riscv64(c, msg, n):
    c.emit(rv_addi(RV_A0, RV_ZERO, 1), "li a0, 1", "fd = stdout")
    hi, lo = rv_pcrel(c.pc, msg)
    c.emit(rv_auipc(RV_A1, hi), "auipc a1, %d" % hi, "a1 = pc + %pcrel_hi(msg)")
    c.emit(rv_addi(RV_A1, RV_A1, lo), "addi a1, a1, %d" % lo, "buf = msg = a1 + %pcrel_lo(msg)")
    c.emit(rv_addi(RV_A2, RV_ZERO, n), "li a2, %d" % n, "count")
    c.emit(rv_addi(RV_A7, RV_ZERO, 64), "li a7, 64", "__NR_write")
    c.emit(rv_ecall(), "ecall")
    c.emit(rv_addi(RV_A0, RV_ZERO, 0), "li a0, 0", "status = 0")
    c.emit(rv_addi(RV_A7, RV_ZERO, 93), "li a7, 93", "__NR_exit")
    c.emit(rv_ecall(), "ecall")


# ---------------------------------------------------------------------------------------------------
# MIPS64 little-endian, n64 ABI. Syscall number in v0 (n64 numbers start at 5000), arguments in
# a0..a2, `syscall`. No branches, so no delay slots to fill.

MIPS_ZERO, MIPS_V0, MIPS_A0, MIPS_A1, MIPS_A2 = 0, 2, 4, 5, 6


def mips_itype(op, rs, rt, imm):
    """I-type: op rs rt imm16."""
    return u32le(op << 26 | rs << 21 | rt << 16 | (imm & 0xFFFF))


def mips_daddiu(rt, rs, imm):
    """daddiu rt, rs, imm — opcode 011001, 64-bit add of a sign-extended immediate."""
    check(fits_signed(imm, 16), "daddiu: immediate out of range")
    return mips_itype(0b011001, rs, rt, imm)


def mips_lui(rt, imm):
    """lui rt, imm — opcode 001111: rt = sign_extend(imm << 16)."""
    return mips_itype(0b001111, 0, rt, imm)


def mips_ori(rt, rs, imm):
    """ori rt, rs, imm — opcode 001101, zero-extended immediate."""
    return mips_itype(0b001101, rs, rt, imm)


def mips_syscall():
    """syscall — SPECIAL (000000) with function 001100."""
    return u32le(0b001100)


def program_mips64le(c, msg, n):
    check(msg < 0x80000000, "mips: lui/ori builds addresses below 2 GiB only")
    c.emit(mips_daddiu(MIPS_A0, MIPS_ZERO, 1), "daddiu a0, zero, 1", "fd = stdout")
    c.emit(mips_lui(MIPS_A1, msg >> 16), "lui a1, 0x%x" % (msg >> 16), "buf = msg (absolute)")
    c.emit(mips_ori(MIPS_A1, MIPS_A1, msg & 0xFFFF), "ori a1, a1, 0x%x" % (msg & 0xFFFF))
    c.emit(mips_daddiu(MIPS_A2, MIPS_ZERO, n), "daddiu a2, zero, %d" % n, "count")
    c.emit(mips_daddiu(MIPS_V0, MIPS_ZERO, 5001), "daddiu v0, zero, 5001", "__NR_write (n64)")
    c.emit(mips_syscall(), "syscall")
    c.emit(mips_daddiu(MIPS_A0, MIPS_ZERO, 0), "daddiu a0, zero, 0", "status = 0")
    c.emit(mips_daddiu(MIPS_V0, MIPS_ZERO, 5058), "daddiu v0, zero, 5058", "__NR_exit (n64)")
    c.emit(mips_syscall(), "syscall")


# ---------------------------------------------------------------------------------------------------
# Platforms. `directory` is ${TARGETOS}-${TARGETARCH}${TARGETVARIANT}, as the Dockerfile spells it.

class Target:
    def __init__(self, platform, elfclass, data, machine, flags, program):
        parts = platform.split("/")
        self.platform = platform
        self.directory = parts[0] + "-" + parts[1] + (parts[2] if len(parts) > 2 else "")
        self.elfclass, self.data, self.machine, self.flags, self.program = elfclass, data, machine, flags, program

    @property
    def path(self):
        return os.path.join(BIN, self.directory, "hello")


TARGETS = [
    Target("linux/amd64", ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0, program_amd64),
    Target("linux/arm64", ELFCLASS64, ELFDATA2LSB, EM_AARCH64, 0, program_arm64),
    Target("linux/arm/v7", ELFCLASS32, ELFDATA2LSB, EM_ARM, EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_HARD, program_arm),
    Target("linux/arm/v6", ELFCLASS32, ELFDATA2LSB, EM_ARM, EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_SOFT, program_arm),
    Target("linux/arm/v5", ELFCLASS32, ELFDATA2LSB, EM_ARM, EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_SOFT, program_arm),
    Target("linux/386", ELFCLASS32, ELFDATA2LSB, EM_386, 0, program_386),
    Target("linux/ppc64le", ELFCLASS64, ELFDATA2LSB, EM_PPC64, EF_PPC64_ABI_V2, program_ppc64le),
    Target("linux/s390x", ELFCLASS64, ELFDATA2MSB, EM_S390, 0, program_s390x),
    Target("linux/riscv64", ELFCLASS64, ELFDATA2LSB, EM_RISCV, EF_RISCV_FLOAT_ABI_DOUBLE, program_riscv64),
    Target("linux/mips64le", ELFCLASS64, ELFDATA2LSB, EM_MIPS, EF_MIPS_ARCH_64R2, program_mips64le),
]


# ---------------------------------------------------------------------------------------------------
# ELF writer

def build(target):
    """Return (file bytes, Code) of the hello executable for target."""
    is64 = target.elfclass == ELFCLASS64
    e = ">" if target.data == ELFDATA2MSB else "<"
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    entry = BASE + ehsize + phentsize
    message = ("hello from %s\n" % target.platform).encode("ascii")

    # Pass 1 finds the code size (every instruction has a fixed size), pass 2 encodes the real addresses.
    probe = Code(entry)
    target.program(probe, entry, len(message))
    msg_addr = entry + (len(probe.out) + 7) // 8 * 8
    code = Code(entry)
    target.program(code, msg_addr, len(message))
    check(len(code.out) == len(probe.out), "code size changed between passes")

    body = bytes(code.out) + bytes(msg_addr - code.pc) + message
    filesz = ehsize + phentsize + len(body)

    ident = b"\x7fELF" + bytes([target.elfclass, target.data, EV_CURRENT, ELFOSABI_SYSV]) + bytes(8)
    if is64:
        # e_type e_machine e_version e_entry e_phoff e_shoff e_flags e_ehsize e_phentsize e_phnum
        # e_shentsize e_shnum e_shstrndx
        ehdr = ident + struct.pack(e + "HHIQQQIHHHHHH", ET_EXEC, target.machine, EV_CURRENT, entry, ehsize,
                                   0, target.flags, ehsize, phentsize, 1, 0, 0, 0)
        # p_type p_flags p_offset p_vaddr p_paddr p_filesz p_memsz p_align
        phdr = struct.pack(e + "IIQQQQQQ", PT_LOAD, PF_R | PF_X, 0, BASE, BASE, filesz, filesz, SEGMENT_ALIGN)
    else:
        ehdr = ident + struct.pack(e + "HHIIIIIHHHHHH", ET_EXEC, target.machine, EV_CURRENT, entry, ehsize,
                                   0, target.flags, ehsize, phentsize, 1, 0, 0, 0)
        # p_type p_offset p_vaddr p_paddr p_filesz p_memsz p_flags p_align
        phdr = struct.pack(e + "IIIIIIII", PT_LOAD, 0, BASE, BASE, filesz, filesz, PF_R | PF_X, SEGMENT_ALIGN)
    check(len(ehdr) == ehsize and len(phdr) == phentsize, "header size")
    data = ehdr + phdr + body
    check(len(data) == filesz, "file size")
    return data, code


def main():
    ap = argparse.ArgumentParser(description="Generate (or check) the hello executables of examples/hello.")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare bin/ with freshly generated bytes")
    mode.add_argument("--list", action="store_true", help="print platform and directory of every binary")
    mode.add_argument("--listing", action="store_true", help="print the assembly listing of every binary")
    args = ap.parse_args()

    if args.list:
        for t in TARGETS:
            print(t.platform, t.directory)
        return 0

    if args.listing:
        for t in TARGETS:
            data, code = build(t)
            print("# %s  (bin/%s/hello, %d bytes, e_flags 0x%x)" % (t.platform, t.directory, len(data), t.flags))
            for addr, enc, asm, note in code.listing:
                print(("  %08x  %-14s  %-22s %s" % (addr, enc.hex(), asm, "; " + note if note else "")).rstrip())
            print()
        return 0

    if args.check:
        bad = 0
        for t in TARGETS:
            data, _ = build(t)
            rel = os.path.relpath(t.path, HERE)
            try:
                with open(t.path, "rb") as f:
                    have = f.read()
            except FileNotFoundError:
                print("MISSING  %s" % rel)
                bad += 1
                continue
            if have != data:
                print("DIFFERS  %s (%d bytes on disk, %d generated)" % (rel, len(have), len(data)))
                bad += 1
            elif not os.access(t.path, os.X_OK):
                print("NOT EXECUTABLE  %s" % rel)
                bad += 1
            else:
                print("ok       %s (%d bytes)" % (rel, len(data)))
        expected = {t.directory for t in TARGETS}
        for name in sorted(os.listdir(BIN)) if os.path.isdir(BIN) else []:
            if name not in expected:
                print("UNEXPECTED  bin/%s (not generated by this script)" % name)
                bad += 1
        return 1 if bad else 0

    for t in TARGETS:
        data, _ = build(t)
        os.makedirs(os.path.dirname(t.path), exist_ok=True)
        with open(t.path, "wb") as f:
            f.write(data)
        os.chmod(t.path, 0o755)
        print("wrote %s (%d bytes)" % (os.path.relpath(t.path, HERE), len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
