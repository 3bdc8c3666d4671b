import Foundation

/// One binfmt_misc registration line, `:name:type:offset:magic:mask:interpreter:flags`, as the kernel's
/// `Documentation/admin-guide/binfmt-misc.rst` defines it and Debian's `/usr/lib/binfmt.d/qemu-<arch>.conf`
/// files write it. The magic and mask keep their `\xNN` escapes: the kernel decodes them.
public struct BinfmtRegistration: Sendable, Hashable {
    /// The entry name, e.g. `qemu-aarch64`.
    public var name: String
    /// `M` (magic bytes) or `E` (extension).
    public var type: String
    /// The offset of the magic, usually empty (0).
    public var offset: String
    public var magic: String
    public var mask: String
    /// The interpreter's absolute path.
    public var interpreter: String
    /// Flags such as `F` (open the interpreter at registration, so it is found after a chroot) and `P`
    /// (keep argv[0]).
    public var flags: String

    public init(name: String, type: String = "M", offset: String = "", magic: String, mask: String,
                interpreter: String, flags: String) {
        self.name = name
        self.type = type
        self.offset = offset
        self.magic = magic
        self.mask = mask
        self.interpreter = interpreter
        self.flags = flags
    }

    /// Parses a line; the first character is the separator. Nil when it does not have the seven fields.
    public init?(line: String) {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let separator = text.first else { return nil }
        let fields = text.dropFirst().split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, !fields[0].isEmpty, fields[1] == "M" || fields[1] == "E", !fields[3].isEmpty else {
            return nil
        }
        self.init(name: fields[0], type: fields[1], offset: fields[2], magic: fields[3], mask: fields[4],
                  interpreter: fields[5], flags: fields[6])
    }

    /// The line to write to `register`.
    public var line: String { ":\(name):\(type):\(offset):\(magic):\(mask):\(interpreter):\(flags)" }

    /// The same registration for the sandbox: `interpreter` and flags `FP` (the interpreter is opened
    /// at registration time, so its host path works after the sandbox enters the root filesystem).
    public func forSandbox(interpreter: String) -> BinfmtRegistration {
        var copy = self
        copy.interpreter = interpreter
        copy.flags = "FP"
        return copy
    }

    /// The magic and mask of the common QEMU architectures, copied from Debian 12's qemu-user-static
    /// `binfmt.d` files, for hosts that do not have those files. The interpreter is left empty.
    public static func builtin(qemuArchitecture: String) -> BinfmtRegistration? {
        let header = #"\x7f\x45\x4c\x46"#
        let le64Mask = #"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"#
        let table: [String: (String, String)] = [
            "aarch64": (header + #"\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00"#, le64Mask),
            "arm": (header + #"\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x28\x00"#, le64Mask),
            "riscv64": (header + #"\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00"#, le64Mask),
            "i386": (header + #"\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00"#,
                     #"\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"#),
            "x86_64": (header + #"\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"#,
                       #"\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"#),
            "s390x": (header + #"\x02\x02\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x16"#,
                      #"\xff\xff\xff\xff\xff\xff\xff\xfc\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff"#),
            "ppc64le": (header + #"\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x15\x00"#,
                        #"\xff\xff\xff\xff\xff\xff\xff\xfc\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\x00"#),
            "mips64el": (header + #"\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x08\x00"#,
                         #"\xff\xff\xff\xff\xff\xff\xff\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"#),
        ]
        guard let (magic, mask) = table[qemuArchitecture] else { return nil }
        return BinfmtRegistration(name: "qemu-\(qemuArchitecture)", magic: magic, mask: mask, interpreter: "", flags: "FP")
    }
}
