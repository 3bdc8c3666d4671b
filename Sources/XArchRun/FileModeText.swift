#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's type and mode bits as text, in the two notations a spec's `permissions` may use:
/// `ls -l`'s (`-rwsr-xr-x`, `drwxrwxrwt`, `lrwxrwxrwx`, `crw-rw-rw-`) and Go's `FileMode.String()`,
/// which is what container-structure-test prints and so what CST files hold (`urwxr-xr-x`,
/// `dtrwxrwxrwx`, `Lrwxrwxrwx`, `Dcrw-rw-rw-`). Both parse to the same value; a mode is shown back in
/// the notation the spec used.
struct FileModeText: Hashable {
    /// The type as `ls` writes it: `-`, `d`, `l`, `c`, `b`, `p` or `s`.
    var type: Character
    /// Permission bits with set-user-id (0o4000), set-group-id (0o2000) and sticky (0o1000).
    var bits: UInt16

    /// The type and bits of a `stat` mode.
    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFDIR: type = "d"
        case S_IFLNK: type = "l"
        case S_IFCHR: type = "c"
        case S_IFBLK: type = "b"
        case S_IFIFO: type = "p"
        case S_IFSOCK: type = "s"
        default: type = "-"
        }
        bits = UInt16(mode & 0o7777)
    }

    /// Parses either notation; nil when it is neither.
    init?(parsing text: String) {
        guard let parsed = Self.parseLS(Array(text)) ?? Self.parseGo(Array(text)) else { return nil }
        self = parsed
    }

    /// Whether `text` is in `ls` notation (else Go's; the two agree on plain files and directories).
    static func isLS(_ text: String) -> Bool { parseLS(Array(text)) != nil }

    /// `ls -l`'s notation: `-rwsr-xr-x`.
    var ls: String {
        var text = String(type)
        for (shift, special, set, unset) in [(6, UInt16(0o4000), "s", "S"), (3, 0o2000, "s", "S"), (0, 0o1000, "t", "T")] {
            let triple = (bits >> UInt16(shift)) & 0o7
            text += triple & 0o4 != 0 ? "r" : "-"
            text += triple & 0o2 != 0 ? "w" : "-"
            let execute = triple & 0o1 != 0
            text += bits & special != 0 ? (execute ? set : unset) : (execute ? "x" : "-")
        }
        return text
    }

    /// Go's `FileMode.String()`: type and special letters first (`dalTLDpSugct?` order), then `rwx`.
    var go: String {
        var letters = ""
        switch type {
        case "d": letters += "d"
        case "l": letters += "L"
        case "c", "b": letters += "D"
        case "p": letters += "p"
        case "s": letters += "S"
        default: break
        }
        if bits & 0o4000 != 0 { letters += "u" }
        if bits & 0o2000 != 0 { letters += "g" }
        if type == "c" { letters += "c" }
        if bits & 0o1000 != 0 { letters += "t" }
        var plain = self
        plain.bits &= 0o777
        plain.type = "-"
        return (letters.isEmpty ? "-" : letters) + plain.ls.dropFirst()
    }

    /// The mode in the notation of `example` (a spec's `permissions`).
    func written(like example: String) -> String { Self.isLS(example) ? ls : go }

    private static func parseLS(_ c: [Character]) -> FileModeText? {
        guard c.count == 10, "-dlcbps".contains(c[0]) else { return nil }
        var bits: UInt16 = 0
        for (i, (shift, special, set, unset)) in [(6, UInt16(0o4000), "s", "S"), (3, 0o2000, "s", "S"), (0, 0o1000, "t", "T")].enumerated() {
            let r = c[1 + 3 * i], w = c[2 + 3 * i], x = c[3 + 3 * i]
            guard r == "r" || r == "-", w == "w" || w == "-" else { return nil }
            if r == "r" { bits |= 0o4 << UInt16(shift) }
            if w == "w" { bits |= 0o2 << UInt16(shift) }
            switch x {
            case "x": bits |= 0o1 << UInt16(shift)
            case Character(set): bits |= 0o1 << UInt16(shift) | special
            case Character(unset): bits |= special
            case "-": break
            default: return nil
            }
        }
        return FileModeText(type: c[0], bits: bits)
    }

    private static func parseGo(_ c: [Character]) -> FileModeText? {
        guard c.count >= 10 else { return nil }
        let letters = c.dropLast(9)
        guard let rwx = parseLS(["-"] + c.suffix(9)), rwx.bits & 0o7000 == 0 else { return nil }
        var type: Character = "-"
        var bits = rwx.bits
        if letters != ["-"] {
            for letter in letters {
                switch letter {
                case "d": type = "d"
                case "L": type = "l"
                case "D": if type != "c" { type = "b" }
                case "c": type = "c"
                case "p": type = "p"
                case "S": type = "s"
                case "u": bits |= 0o4000
                case "g": bits |= 0o2000
                case "t": bits |= 0o1000
                default: return nil
                }
            }
        }
        return FileModeText(type: type, bits: bits)
    }

    private init(type: Character, bits: UInt16) {
        self.type = type
        self.bits = bits
    }
}
