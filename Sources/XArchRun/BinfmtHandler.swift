import Foundation

/// A handler registered in the host's global binfmt_misc, as the kernel shows it in
/// `/proc/sys/fs/binfmt_misc/NAME` (`Documentation/admin-guide/binfmt-misc.rst`): `enabled`, `interpreter
/// PATH`, `flags: FLAGS`, `offset N`, `magic HEX`, `mask HEX`. Mode `binfmt-host` runs a platform
/// through such a handler when it has the `F` flag (the interpreter was opened at registration, so it is
/// found after the sandbox enters the image's root).
public struct BinfmtHandler: Sendable, Hashable {
    public var name: String
    public var enabled: Bool
    public var interpreter: String
    public var flags: String
    public var offset: Int
    public var magic: [UInt8]
    /// One byte per magic byte (all `0xff` when the entry has no mask).
    public var mask: [UInt8]

    public init(name: String, enabled: Bool, interpreter: String, flags: String, offset: Int, magic: [UInt8], mask: [UInt8]) {
        self.name = name
        self.enabled = enabled
        self.interpreter = interpreter
        self.flags = flags
        self.offset = offset
        self.magic = magic
        self.mask = mask.count == magic.count ? mask : [UInt8](repeating: 0xff, count: magic.count)
    }

    /// Parses the kernel's text of one entry; nil for extension (`E`) entries and text that is not an entry.
    public init?(name: String, contents: String) {
        var enabled = false, interpreter: String?, flags = "", offset = 0
        var magic: [UInt8]?, mask: [UInt8] = []
        for line in contents.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            let value = words.count > 1 ? words[1] : ""
            switch words.first {
            case "enabled": enabled = true
            case "disabled": enabled = false
            case "interpreter": interpreter = value
            case "flags:": flags = value
            case "offset": offset = Int(value) ?? 0
            case "magic": magic = Self.bytes(hex: value)
            case "mask": mask = Self.bytes(hex: value) ?? []
            default: continue
            }
        }
        guard let interpreter, let magic, !magic.isEmpty else { return nil }
        self.init(name: name, enabled: enabled, interpreter: interpreter, flags: flags, offset: offset, magic: magic, mask: mask)
    }

    /// Whether the kernel would hand a file starting with `header` to this handler.
    public func matches(_ header: [UInt8]) -> Bool {
        guard enabled, offset >= 0, header.count >= offset + magic.count else { return false }
        return magic.indices.allSatisfy { header[offset + $0] & mask[$0] == magic[$0] & mask[$0] }
    }

    /// Whether the interpreter is found after a chroot (flag `F`).
    public var fixesBinary: Bool { flags.contains("F") }

    /// Every magic entry of the binfmt_misc mounted at `directory`; empty when none is mounted.
    public static func registered(in directory: String = "/proc/sys/fs/binfmt_misc") -> [BinfmtHandler] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0 != "register" && $0 != "status" }.sorted().compactMap { name in
            (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)).flatMap { BinfmtHandler(name: name, contents: $0) }
        }
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}

extension BinfmtRegistration {
    /// The magic with its `\xNN` escapes decoded: the first bytes of an ELF file of the architecture.
    public var magicBytes: [UInt8] {
        var out: [UInt8] = []
        var rest = Substring(magic)
        while let first = rest.first {
            if rest.hasPrefix("\\x"), rest.count >= 4, let byte = UInt8(rest.dropFirst(2).prefix(2), radix: 16) {
                out.append(byte)
                rest = rest.dropFirst(4)
            } else {
                out += Array(String(first).utf8)
                rest = rest.dropFirst()
            }
        }
        return out
    }
}
