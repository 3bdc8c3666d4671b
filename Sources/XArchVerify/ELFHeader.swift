/// What the ELF header and program headers of a file say (System V ABI, "ELF Header" and "Program
/// Header"; glibc's elf.h), parsed from a bounded prefix of the file with every offset checked
/// against both the prefix and the file's size.
public struct ELFHeader: Sendable, Hashable, Codable {
    /// `EI_CLASS`: 32- or 64-bit.
    public var is64Bit: Bool
    /// `EI_DATA`: byte order.
    public var isBigEndian: Bool
    /// `EI_OSABI` (0 System V, 3 GNU/Linux, 9 FreeBSD, …).
    public var osABI: UInt8
    /// `e_type`: 1 relocatable, 2 executable, 3 shared object / PIE, 4 core.
    public var type: UInt16
    /// `e_machine` (62 x86-64, 183 AArch64, 40 ARM, …).
    public var machine: UInt16
    /// `e_flags`: processor-specific ABI flags (ARM float ABI, MIPS ISA and ABI, PowerPC ELFv2, RISC-V float ABI).
    public var flags: UInt32
    /// The loader named by `PT_INTERP`, when there is one.
    public var interpreter: String?
    /// Whether the file has a `PT_DYNAMIC` segment.
    public var hasDynamicSegment: Bool
    /// False when the program headers lie past the prefix that was read (linkage then unknown).
    public var programHeadersRead: Bool

    public static let typeRelocatable: UInt16 = 1, typeExecutable: UInt16 = 2, typeShared: UInt16 = 3, typeCore: UInt16 = 4
}

/// The result of looking at a file's first bytes for ELF.
public enum ELFParseResult: Sendable, Hashable {
    /// No ELF magic.
    case notELF
    case elf(ELFHeader)
    /// ELF magic, but a header that is truncated or points outside the file: the reason.
    case malformed(String)
}

extension ELFHeader {
    static let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
    static let ptDynamic: UInt32 = 2, ptInterp: UInt32 = 3
    /// Longest `PT_INTERP` path accepted (PATH_MAX).
    static let maxInterpreter: UInt64 = 4096

    /// Parses `prefix`, the first bytes of a file of `fileSize` bytes.
    public static func parse(prefix: [UInt8], fileSize: Int64) -> ELFParseResult {
        guard prefix.starts(with: magic) else { return .notELF }
        let size = UInt64(Swift.max(fileSize, 0))
        guard prefix.count >= 16 else { return .malformed("truncated: \(fileSize) bytes, shorter than the 16-byte ELF identification") }
        guard let is64 = [1: false, 2: true][prefix[4]] else { return .malformed("unknown ELF class \(prefix[4])") }
        guard let big = [1: false, 2: true][prefix[5]] else { return .malformed("unknown ELF byte order \(prefix[5])") }
        let v = ByteView(prefix, bigEndian: big)
        let headerSize: UInt64 = is64 ? 64 : 52
        guard size >= headerSize, v.contains(0, headerSize) else {
            return .malformed("truncated: \(fileSize) bytes, shorter than the \(headerSize)-byte ELF header")
        }
        // Offsets of e_phoff, e_shoff, e_flags and the counts differ between the classes.
        let w: UInt64 = is64 ? 8 : 4
        let phoff = v.word(24 + w, wide: is64)!, shoff = v.word(24 + 2 * w, wide: is64)!
        let fields = 24 + 3 * w
        var header = ELFHeader(is64Bit: is64, isBigEndian: big, osABI: prefix[7], type: v.u16(16)!,
                               machine: v.u16(18)!, flags: v.u32(fields)!, interpreter: nil,
                               hasDynamicSegment: false, programHeadersRead: true)
        let phentsize = UInt64(v.u16(fields + 6)!), phnum = UInt64(v.u16(fields + 8)!)
        let shentsize = UInt64(v.u16(fields + 10)!), shnum = UInt64(v.u16(fields + 12)!)
        if shoff != 0 && shnum != 0 {
            guard let end = checkedExtent(shoff, count: shnum, size: shentsize), end <= size else {
                return .malformed("\(shnum) section headers at offset \(shoff) extend past the end of the \(fileSize)-byte file")
            }
        }
        guard phnum > 0 else { return .elf(header) }
        guard phentsize >= (is64 ? 56 : 32) else { return .malformed("program header entries of \(phentsize) bytes are too small") }
        guard phnum != 0xffff, let end = checkedExtent(phoff, count: phnum, size: phentsize), end <= size else {
            return .malformed("\(phnum) program headers at offset \(phoff) extend past the end of the \(fileSize)-byte file")
        }
        guard v.contains(phoff, end - phoff) else {
            header.programHeadersRead = false
            return .elf(header)
        }
        return readSegments(v, header: header, phoff: phoff, phnum: phnum, phentsize: phentsize, fileSize: size)
    }

    /// Walks the program headers for `PT_INTERP` and `PT_DYNAMIC`.
    private static func readSegments(_ v: ByteView, header: ELFHeader, phoff: UInt64, phnum: UInt64,
                                     phentsize: UInt64, fileSize: UInt64) -> ELFParseResult {
        var header = header
        let is64 = header.is64Bit
        for i in 0..<phnum {
            let ph = phoff + i * phentsize
            let type = v.u32(ph)!
            if type == ptDynamic { header.hasDynamicSegment = true }
            guard type == ptInterp else { continue }
            // p_offset and p_filesz: ELF64 at +8 and +32; ELF32 at +4 and +16.
            let offset = v.word(ph + (is64 ? 8 : 4), wide: is64)!, length = v.word(ph + (is64 ? 32 : 16), wide: is64)!
            guard length > 0, length <= maxInterpreter, let end = checkedExtent(offset, count: 1, size: length), end <= fileSize else {
                return .malformed("its PT_INTERP segment (\(length) bytes at offset \(offset)) lies outside the \(fileSize)-byte file")
            }
            guard let bytes = v.slice(offset, length) else {
                header.programHeadersRead = false
                continue
            }
            let path = bytes.prefix { $0 != 0 }
            guard !path.isEmpty else { return .malformed("its PT_INTERP segment names no loader") }
            header.interpreter = String(decoding: path, as: UTF8.self)
        }
        return .elf(header)
    }
}
