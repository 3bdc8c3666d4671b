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
    ///
    /// The elements run as an automaton over the subject from `start` (linear, never backtracking: a
    /// backtracking match of `*a*a*a*a*b` takes exponential time). With only `*` as a variable-length
    /// element, the first match in Go's leftmost-first priority order is the one that ends first when
    /// `*` is lazy and last when it is greedy (each segment between stars matched at its earliest — or
    /// latest — place leaves the next the earliest — or latest — start), so that end is returned.
    func match(_ subject: [Unicode.Scalar], at start: Int) -> Int? {
        let n = elements.count
        var current = closure([0])
        var found: Int? = current.contains(n) ? start : nil
        if found != nil, !greedy { return found }
        var i = start
        while i < subject.count, !current.isEmpty {
            let c = subject[i]
            var next: Set<Int> = []
            for e in current where e < n {
                switch elements[e] {
                case .literal(let l): if c == l { next.insert(e + 1) }
                case .any: if c != "\n" { next.insert(e + 1) }
                case .star: if c != "\n" { next.insert(e) }
                }
            }
            current = closure(next)
            i += 1
            if current.contains(n) {
                found = i
                if !greedy { return found }
            }
        }
        return found
    }

    /// `states` with the positions after every `*` reachable without consuming a character.
    private func closure(_ states: Set<Int>) -> Set<Int> {
        var result = states
        var pending = Array(states)
        while let e = pending.popLast() {
            if e < elements.count, elements[e] == .star, result.insert(e + 1).inserted { pending.append(e + 1) }
        }
        return result
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
