/// Text that came from outside — a registry's error message, a platform string in an index, a command's
/// output inside an image, a file name in a layer — made safe to print on a terminal: C0 control
/// characters (except tab and newline), DEL and C1 controls are shown as `\u{…}` escapes, so they can
/// neither set the title, clear the screen, move the cursor nor forge an `xarch:` line (ECMA-48 control
/// functions start with ESC, CSI or OSC). JSON output escapes by itself.
enum TerminalText {
    static func escaped(_ text: String, keepNewlines: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0, keepNewlines: keepNewlines) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar, keepNewlines: keepNewlines) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// One field of a line (a platform, a file name, a media type): newlines are escaped too.
    static func field(_ text: String) -> String { escaped(text, keepNewlines: false) }

    static func isControl(_ scalar: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        switch scalar.value {
        case 0x09: return false
        case 0x0a: return !keepNewlines
        case 0x00...0x1f, 0x7f, 0x80...0x9f: return true
        default: return false
        }
    }
}
