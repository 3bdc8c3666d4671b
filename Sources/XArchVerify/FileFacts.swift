/// What the content scan keeps about one regular file: whether it is executable and what its first
/// bytes say. Nothing else of the content is kept, so memory grows with the file count only.
public struct FileFacts: Sendable, Hashable {
    /// What the first bytes are.
    public enum Content: Sendable, Hashable {
        case plain
        case elf(ELFHeader)
        case malformedELF(String)
        case pe(PEHeader)
        case malformedPE(String)
        /// A `#!` script: the interpreter path and the first argument (for `/usr/bin/env NAME`).
        case script(interpreter: String, argument: String?)
    }

    /// Any execute bit set in the mode.
    public var executable: Bool
    public var content: Content

    /// Looks at the first bytes of a file (`prefix`) of `size` bytes.
    public init(mode: UInt32, size: Int64, prefix: [UInt8]) {
        executable = mode & 0o111 != 0
        switch ELFHeader.parse(prefix: prefix, fileSize: size) {
        case .elf(let header): content = .elf(header); return
        case .malformed(let reason): content = .malformedELF(reason); return
        case .notELF: break
        }
        switch PEHeader.parse(prefix: prefix, fileSize: size) {
        case .pe(let header): content = .pe(header); return
        case .malformed(let reason): content = .malformedPE(reason); return
        case .notPE: break
        }
        content = executable ? Self.shebang(prefix) ?? .plain : .plain
    }

    /// The `#!` line, as the kernel reads it (`fs/binfmt_script.c`: at most 256 bytes, the
    /// interpreter up to the first blank, the rest one argument).
    static func shebang(_ prefix: [UInt8]) -> Content? {
        guard prefix.starts(with: [0x23, 0x21]) else { return nil }
        let line = prefix.dropFirst(2).prefix(254).prefix { $0 != 0x0a }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: " \t\r")
        guard !text.isEmpty else { return nil }
        let interpreter = text.prefix { $0 != " " && $0 != "\t" }
        let rest = text.dropFirst(interpreter.count).trimmingCharacters(in: " \t")
        return .script(interpreter: String(interpreter), argument: rest.isEmpty ? nil : rest)
    }
}

extension StringProtocol {
    /// Drops leading and trailing characters of `set` (no Foundation needed).
    func trimmingCharacters(in set: String) -> String {
        let drop = Set(set)
        let start = firstIndex { !drop.contains($0) } ?? endIndex
        let end = lastIndex { !drop.contains($0) }.map { index(after: $0) } ?? start
        return String(self[start..<Swift.max(start, end)])
    }
}
