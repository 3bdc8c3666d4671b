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

    /// Whether the whole of `text` matches. Linear in the text for every pattern: the tokens are run as
    /// a nondeterministic automaton over the text (the set of pattern positions reachable after each
    /// character), never by backtracking, which takes exponential time on patterns like `*a*a*a*a*b`
    /// (moby/patternmatcher compiles to Go regular expressions, also linear).
    func matches(_ text: String) -> Bool {
        let n = tokens.count
        // States 0...n are positions in the pattern; n + 1 + p is "inside" the `**/` at p (it has consumed
        // at least one character and must end with `/`).
        var current = closure([0])
        for c in text.unicodeScalars {
            var next: Set<Int> = []
            for state in current {
                if state > n {
                    let p = state - n - 1
                    next.insert(state)
                    if c == "/" { next.insert(p + 1) }
                    continue
                }
                guard state < n else { continue }
                switch tokens[state] {
                case .literal(let l): if c == l { next.insert(state + 1) }
                case .anyOne: if c != "/" { next.insert(state + 1) }
                case .set(let negated, let ranges): if ranges.contains(where: { $0.contains(c) }) != negated { next.insert(state + 1) }
                case .anyRun: if c != "/" { next.insert(state) }
                case .anyDirectories:
                    next.insert(n + 1 + state)
                    if c == "/" { next.insert(state + 1) }
                case .anything: next.insert(state)
                }
            }
            current = closure(next)
            if current.isEmpty { return false }
        }
        return current.contains(n)
    }

    /// `states` with every state reachable without consuming a character (`*`, `**/` and `**` may match
    /// nothing).
    private func closure(_ states: Set<Int>) -> Set<Int> {
        var result = states
        var pending = Array(states)
        while let state = pending.popLast() {
            guard state < tokens.count else { continue }
            switch tokens[state] {
            case .anyRun, .anyDirectories, .anything:
                if result.insert(state + 1).inserted { pending.append(state + 1) }
            default: break
            }
        }
        return result
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
