/// A compose project's `.env` file (compose-spec, "Interpolation"; the format of compose-go's dotenv):
/// `KEY=VALUE` lines, an optional `export ` before the key, blank lines and `#` comments, values in
/// single quotes (literal) or double quotes (`\n`, `\t`, `\"`, `\\` escaped), unquoted values trimmed
/// and cut at ` #`.
public enum DotEnv {
    /// The variables of `text`; lines that are not assignments are ignored.
    public static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).drop { $0 == " " } }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimming(" \t")
            guard !key.isEmpty else { continue }
            result[key] = value(line[line.index(after: equals)...])
        }
        return result
    }

    static func value(_ text: Substring) -> String {
        let text = text.drop { $0 == " " || $0 == "\t" }
        if let quote = text.first, quote == "'" || quote == "\"" {
            let body = text.dropFirst()
            var end = body.startIndex
            while end < body.endIndex, body[end] != quote {
                if quote == "\"", body[end] == "\\", body.index(after: end) < body.endIndex { end = body.index(after: end) }
                end = body.index(after: end)
            }
            let inner = String(body[..<end])
            return quote == "'" ? inner : unescape(inner)
        }
        var plain = String(text)
        if let comment = plain.range(of: " #") { plain = String(plain[..<comment.lowerBound]) }
        return plain.trimming(" \t")
    }

    static func unescape(_ text: String) -> String {
        var out = ""
        var escaped = false
        for c in text {
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}

extension StringProtocol {
    /// This text without leading and trailing characters of `set`.
    func trimming(_ set: String) -> String {
        let head = drop { set.contains($0) }
        return String(head.reversed().drop { set.contains($0) }.reversed())
    }
}
