import XArchModel

/// A shell-style pattern, matched against a whole string.
///
/// The syntax is Go's `filepath.Match` (which BuildKit uses for COPY and ADD sources): `*` is any run of
/// characters except `/`, `?` one character except `/`, `[…]` a class (`^` negates it, `a-z` is a
/// range), `\` quotes the next character. With `doubleStar` (the `.dockerignore` dialect of
/// moby/patternmatcher) `**` is any number of directories: `**/` or an inner `**` matches any prefix
/// ending in `/` (or none), and a final `**` matches anything.
struct GlobPattern: Hashable, Sendable {
    enum Token: Hashable, Sendable {
        case literal(Unicode.Scalar)
        case anyRun
        case anyOne
        case set(negated: Bool, ranges: [ClosedRange<Unicode.Scalar>])
        /// `(.*/)?`
        case anyDirectories
        /// `.*`
        case anything
    }

    let tokens: [Token]

    /// Whether the pattern has any wildcard (otherwise it matches only its own literal text).
    var hasWildcards: Bool {
        tokens.contains { if case .literal = $0 { return false } else { return true } }
    }

    /// Parses `text`; a malformed class or a trailing `\` is an error naming the pattern.
    init(_ text: String, doubleStar: Bool = false) throws {
        var scalars = Array(text.unicodeScalars)[...]
        var tokens: [Token] = []
        while let c = scalars.popFirst() {
            switch c {
            case "*":
                if doubleStar, scalars.first == "*" {
                    scalars.removeFirst()
                    if scalars.first == "/" { scalars.removeFirst() }
                    tokens.append(scalars.isEmpty ? .anything : .anyDirectories)
                } else {
                    tokens.append(.anyRun)
                }
            case "?":
                tokens.append(.anyOne)
            case "[":
                tokens.append(try Self.parseSet(&scalars, pattern: text))
            case "\\":
                guard let next = scalars.popFirst() else { throw Self.bad(text, "it ends with a lone backslash") }
                tokens.append(.literal(next))
            default:
                tokens.append(.literal(c))
            }
        }
        self.tokens = tokens
    }

    /// Whether the whole of `text` matches.
    func matches(_ text: String) -> Bool {
        Self.match(tokens[...], Array(text.unicodeScalars)[...])
    }

    private static func match(_ pattern: ArraySlice<Token>, _ text: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let token = pattern.first else { return text.isEmpty }
        let rest = pattern.dropFirst()
        switch token {
        case .literal(let c):
            return text.first == c && match(rest, text.dropFirst())
        case .anyOne:
            guard let c = text.first, c != "/" else { return false }
            return match(rest, text.dropFirst())
        case .set(let negated, let ranges):
            guard let c = text.first else { return false }
            return ranges.contains { $0.contains(c) } != negated && match(rest, text.dropFirst())
        case .anyRun:
            var i = text.startIndex
            while true {
                if match(rest, text[i...]) { return true }
                guard i < text.endIndex, text[i] != "/" else { return false }
                i += 1
            }
        case .anyDirectories:
            if match(rest, text) { return true }
            for i in text.indices where text[i] == "/" && match(rest, text[(i + 1)...]) { return true }
            return false
        case .anything:
            return true
        }
    }

    private static func parseSet(_ scalars: inout ArraySlice<Unicode.Scalar>, pattern: String) throws -> Token {
        var negated = false
        if scalars.first == "^" { negated = true; scalars.removeFirst() }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        while true {
            guard var low = scalars.popFirst() else { throw bad(pattern, "a [ class is not closed") }
            if low == "]" {
                guard !ranges.isEmpty else { throw bad(pattern, "a [] class is empty") }
                return .set(negated: negated, ranges: ranges)
            }
            if low == "\\" {
                guard let quoted = scalars.popFirst() else { throw bad(pattern, "a [ class is not closed") }
                low = quoted
            }
            var high = low
            if scalars.first == "-", scalars.dropFirst().first.map({ $0 != "]" }) ?? false {
                scalars.removeFirst()
                high = scalars.removeFirst()
                if high == "\\", let quoted = scalars.popFirst() { high = quoted }
                guard low <= high else { throw bad(pattern, "the range \(low)-\(high) in a [ class is reversed") }
            }
            ranges.append(low...high)
        }
    }

    /// `text` with `*`, `?`, `[` and `\\` quoted, so it matches only itself.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "*" || c == "?" || c == "[" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func bad(_ pattern: String, _ why: String) -> XArchError {
        XArchError(.invalidInput, "invalid pattern \"\(pattern)\": \(why)")
    }
}
