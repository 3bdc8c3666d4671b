import Foundation

/// Whether a file is a static ELF executable: an ELF header and no `PT_INTERP` program header (the
/// System V gABI, "Program Header"). The interpreter of a binfmt_misc handler registered with `F` must
/// be one: a dynamic one cannot load its libraries inside the guest's root filesystem.
enum ELFInterpreter {
    enum Linkage: Equatable {
        case staticExecutable
        case dynamic
        case notELF
    }

    static func linkage(ofFileAt path: String) -> Linkage {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .notELF }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 64), header.count >= 52 else { return .notELF }
        let bytes = [UInt8](header)
        guard bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46,
              bytes[4] == 1 || bytes[4] == 2, bytes[5] == 1 || bytes[5] == 2 else { return .notELF }
        let is64 = bytes[4] == 2
        let little = bytes[5] == 1
        func read(_ data: [UInt8], _ offset: Int, _ size: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in 0..<size {
                let byte = UInt64(data[offset + (little ? size - 1 - i : i)])
                value = value << 8 | byte
            }
            return value
        }
        if is64, bytes.count < 64 { return .notELF }
        let phoff = is64 ? read(bytes, 32, 8) : read(bytes, 28, 4)
        let phentsize = Int(is64 ? read(bytes, 54, 2) : read(bytes, 42, 2))
        let phnum = Int(is64 ? read(bytes, 56, 2) : read(bytes, 44, 2))
        guard phentsize >= 4, phnum > 0, phnum < 4096 else { return .notELF }
        guard (try? handle.seek(toOffset: phoff)) != nil,
              let table = try? handle.read(upToCount: phentsize * phnum), table.count == phentsize * phnum else {
            return .notELF
        }
        let entries = [UInt8](table)
        for index in 0..<phnum where read(entries, index * phentsize, 4) == 3 /* PT_INTERP */ {
            return .dynamic
        }
        return .staticExecutable
    }
}
