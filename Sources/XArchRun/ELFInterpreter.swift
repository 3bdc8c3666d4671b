import XArchArchive
import XArchVerify

/// Whether a file is a static ELF executable: an ELF header and no `PT_INTERP` program header (the
/// System V gABI, "Program Header"), read with the verifier's `ELFHeader`. The interpreter of a
/// binfmt_misc handler registered with `F` must be one: a dynamic one cannot load its libraries inside
/// the guest's root filesystem.
enum ELFInterpreter {
    enum Linkage: Equatable {
        case staticExecutable
        case dynamic
        case notELF
    }

    /// How much of the file is read: the ELF header and program headers sit at its start.
    static let prefixSize = 64 * 1024

    static func linkage(ofFileAt path: String) -> Linkage {
        guard let status = try? POSIXFile.status(path), POSIXFile.isRegular(status),
              let prefix = try? LocalFile.readAll(path, offset: 0, count: prefixSize),
              case .elf(let header) = ELFHeader.parse(prefix: prefix, fileSize: Int64(status.st_size)),
              header.programHeadersRead else { return .notELF }
        return header.interpreter == nil ? .staticExecutable : .dynamic
    }
}
