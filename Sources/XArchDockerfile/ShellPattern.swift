/// Shell wildcard patterns of `${VAR#pattern}`, `${VAR%pattern}` and `${VAR/pattern/replacement}`.
///
/// As in BuildKit (`convertShellPatternToRegex`): `*` matches any run of characters, `?` one character
/// (neither matches a newline), `\*`, `\?` and `\\` are literal, `\}` and `\/` stand for `}` and `/`;
/// bracket expressions are not supported (`[` is literal). Matching follows Go's leftmost-first regular
/// expression semantics: `*` is lazy for `#`/`%` and greedy for `##`/`%%` and substitutions.
struct ShellPattern {
    enum Element: Equatable {
        case literal(Unicode.Scalar)
        case any
        case star
    }

    let elements: [Element]
    let greedy: Bool

    init(_ pattern: [Unicode.Scalar], greedy: Bool) throws {
        var elements: [Element] = []
        var i = 0
        while i < pattern.count {
            let token = pattern[i]
            i += 1
            switch token {
            case "*": elements.append(.star)
            case "?": elements.append(.any)
            case "\\":
                if i < pattern.count, pattern[i] == "}" || pattern[i] == "/" { continue }
                let escaped: Unicode.Scalar? = i < pattern.count ? pattern[i] : nil
                i += 1
                guard let escaped, escaped == "*" || escaped == "?" || escaped == "\\" else {
                    throw ShellSyntaxError(message: "invalid pattern (\(pattern.string)) in substitution: invalid escape '\\\(ShellWordScanner.text(escaped))'")
                }
                elements.append(.literal(escaped))
            default:
                elements.append(.literal(token))
            }
        }
        self.elements = elements
        self.greedy = greedy
    }

    /// The end of the first match that starts at `start`, in priority order, or nil.
    func match(_ subject: [Unicode.Scalar], at start: Int) -> Int? {
        match(subject, element: 0, at: start)
    }

    private func match(_ s: [Unicode.Scalar], element e: Int, at i: Int) -> Int? {
        guard e < elements.count else { return i }
        switch elements[e] {
        case .literal(let c):
            guard i < s.count, s[i] == c else { return nil }
            return match(s, element: e + 1, at: i + 1)
        case .any:
            guard i < s.count, s[i] != "\n" else { return nil }
            return match(s, element: e + 1, at: i + 1)
        case .star:
            var limit = i
            while limit < s.count, s[limit] != "\n" { limit += 1 }
            if greedy {
                for end in stride(from: limit, through: i, by: -1) {
                    if let found = match(s, element: e + 1, at: end) { return found }
                }
            } else {
                for end in i...limit {
                    if let found = match(s, element: e + 1, at: end) { return found }
                }
            }
            return nil
        }
    }

    /// The leftmost match at or after `from`: its start and end.
    func firstMatch(_ subject: [Unicode.Scalar], from: Int) -> (Int, Int)? {
        guard from <= subject.count else { return nil }
        for start in from...subject.count {
            if let end = match(subject, at: start) { return (start, end) }
        }
        return nil
    }

    /// `${VAR#pattern}` / `${VAR##pattern}`: `subject` without its shortest / longest matching prefix.
    static func trimPrefix(_ pattern: [Unicode.Scalar], of subject: [Unicode.Scalar], greedy: Bool) throws -> [Unicode.Scalar] {
        let compiled = try ShellPattern(pattern, greedy: greedy)
        guard let end = compiled.match(subject, at: 0) else { return subject }
        return Array(subject[end...])
    }

    /// `${VAR%pattern}` / `${VAR%%pattern}`: both reversed, then a prefix trim, as BuildKit does.
    static func trimSuffix(_ pattern: [Unicode.Scalar], of subject: [Unicode.Scalar], greedy: Bool) throws -> [Unicode.Scalar] {
        let trimmed = try trimPrefix(reversedPattern(pattern), of: subject.reversed(), greedy: greedy)
        return trimmed.reversed()
    }

    /// Reverses a pattern but keeps each escape before the character it escapes: `a\*c` becomes `c\*a`.
    static func reversedPattern(_ pattern: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out = [Unicode.Scalar](repeating: " ", count: pattern.count)
        let last = pattern.count - 1
        var i = 0
        while i <= last {
            let token = pattern[i]
            let target = last - i
            if token == "\\" && i != last {
                out[target - 1] = token
                out[target] = pattern[i + 1]
                i += 2
            } else {
                out[target] = token
                i += 1
            }
        }
        return out
    }

    /// `${VAR/pattern/replacement}` and, with `all`, `${VAR//pattern/replacement}` (Go `ReplaceAllString`
    /// semantics for the latter: no replacement for an empty match right after a match, `$$` and `$0`
    /// in the replacement expand, other `$name` references expand to nothing).
    static func replace(_ pattern: [Unicode.Scalar], in subject: [Unicode.Scalar], with replacement: [Unicode.Scalar],
                        all: Bool) throws -> [Unicode.Scalar] {
        let compiled = try ShellPattern(pattern, greedy: true)
        guard all else {
            guard let (start, end) = compiled.firstMatch(subject, from: 0) else { return subject }
            return Array(subject[..<start]) + replacement + Array(subject[end...])
        }
        var out: [Unicode.Scalar] = []
        var lastEnd = 0
        var search = 0
        while search <= subject.count, let (start, end) = compiled.firstMatch(subject, from: search) {
            out += subject[lastEnd..<start]
            if end > lastEnd || start == 0 {
                out += expandTemplate(replacement, match: Array(subject[start..<end]))
            }
            lastEnd = end
            search = search + 1 > end ? search + 1 : end
        }
        out += subject[lastEnd...]
        return out
    }

    /// Go's `Regexp.Expand` for a pattern without capture groups.
    private static func expandTemplate(_ template: [Unicode.Scalar], match: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var i = 0
        func isNameChar(_ c: Unicode.Scalar) -> Bool { c.isASCIIAlphanumeric || c == "_" }
        while i < template.count {
            let c = template[i]
            guard c == "$", i + 1 < template.count else {
                out.append(c)
                i += 1
                continue
            }
            let next = template[i + 1]
            if next == "$" {
                out.append("$")
                i += 2
                continue
            }
            var name: [Unicode.Scalar] = []
            var j = i + 1
            if next == "{" {
                j += 1
                while j < template.count, isNameChar(template[j]) { name.append(template[j]); j += 1 }
                guard !name.isEmpty, j < template.count, template[j] == "}" else {
                    out.append(c)
                    i += 1
                    continue
                }
                j += 1
            } else {
                while j < template.count, isNameChar(template[j]) { name.append(template[j]); j += 1 }
                guard !name.isEmpty else {
                    out.append(c)
                    i += 1
                    continue
                }
            }
            if name.allSatisfy(\.isASCIIDigit), let number = Int(name.string), number == 0 { out += match }
            i = j
        }
        return out
    }
}
