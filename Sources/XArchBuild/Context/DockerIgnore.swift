import XArchModel

/// The `.dockerignore` rules of a build context (Dockerfile reference, ".dockerignore file"), with the
/// semantics of moby/patternmatcher, which BuildKit uses:
///
/// - a line starting with `#` is a comment; lines are trimmed; empty lines are skipped;
/// - `!` makes an exception (a path it matches is included again); the last matching rule wins;
/// - a pattern is cleaned like a path (`path.Clean`: `..`, `.` and repeated slashes resolved) and a
///   leading `/` is dropped, so patterns are relative to the context root;
/// - `**` matches any number of directories; `*`, `?`, `[…]` and `\` as in Go's `filepath.Match`;
/// - a path is excluded when it or any of its parent directories matches.
public struct DockerIgnore: Hashable, Sendable {
    struct Rule: Hashable, Sendable {
        enum Kind: Hashable, Sendable { case exact, prefix, suffix, glob }
        let text: String
        let exception: Bool
        let kind: Kind
        let glob: GlobPattern
    }

    let rules: [Rule]

    /// No rules: nothing is excluded.
    public static let none = DockerIgnore(rules: [])

    private init(rules: [Rule]) { self.rules = rules }

    /// Parses the content of a `.dockerignore` file.
    public init(parsing text: String) throws {
        var rules: [Rule] = []
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
        for raw in lines {
            if raw.hasPrefix("#") { continue }
            var pattern = Self.trim(raw)
            if pattern.isEmpty { continue }
            let exception = pattern.hasPrefix("!")
            if exception { pattern = Self.trim(String(pattern.dropFirst())) }
            if !pattern.isEmpty {
                pattern = CleanPath.clean(pattern)
                if pattern.count > 1, pattern.hasPrefix("/") { pattern.removeFirst() }
            }
            guard !(exception && pattern.isEmpty) else {
                throw XArchError(.invalidInput, ".dockerignore: illegal exclusion pattern \"!\"")
            }
            rules.append(try Self.rule(pattern, exception: exception))
        }
        self.rules = rules
    }

    /// Whether any rule is an exception (`!`).
    public var hasExceptions: Bool { rules.contains { $0.exception } }

    /// Whether the context path `path` (relative, cleaned, `/`-separated) is excluded: it or one of
    /// its parent directories matches, and no later exception matches
    /// (patternmatcher's `MatchesOrParentMatches`).
    public func excludes(_ path: String) -> Bool {
        guard !rules.isEmpty, !path.isEmpty, path != "." else { return false }
        let parents = Self.parentPrefixes(of: path)
        var excluded = false
        for rule in rules where rule.exception == excluded {
            var match = Self.matches(rule, path)
            if !match { match = parents.contains { Self.matches(rule, $0) } }
            if match { excluded = !rule.exception }
        }
        return excluded
    }

    /// Whether the walk must still enter an excluded directory, because an exception could include
    /// something below it. As moby does (moby/moby#30018), only exceptions whose text starts with the
    /// directory's path count; `!**/keep` does not reopen an excluded directory.
    public func mayIncludeBelow(_ directory: String) -> Bool {
        let prefix = directory + "/"
        return rules.contains { $0.exception && ($0.text + "/").hasPrefix(prefix) }
    }

    // MARK: - Matching

    static func rule(_ pattern: String, exception: Bool) throws -> Rule {
        let glob: GlobPattern
        do {
            glob = try GlobPattern(pattern, doubleStar: true)
        } catch let error as XArchError {
            throw XArchError(.invalidInput, ".dockerignore: \(error.message)")
        }
        return Rule(text: pattern, exception: exception, kind: kind(of: pattern), glob: glob)
    }

    /// patternmatcher's classification: a pattern that starts with `**` is a suffix match unless a
    /// later wildcard makes it a regular expression; one whose only wildcard is a final `**` a prefix
    /// match; one without wildcards an exact match.
    static func kind(of pattern: String) -> Rule.Kind {
        let scalars = Array(pattern.unicodeScalars)
        var kind = Rule.Kind.exact
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "*", i + 1 < scalars.count, scalars[i + 1] == "*" {
                var end = i + 2
                if end < scalars.count, scalars[end] == "/" { end += 1 }
                kind = end == scalars.count ? (kind == .exact ? .prefix : .glob) : .glob
                if i == 0 { kind = .suffix }
                i = end
                continue
            }
            if c == "*" || c == "?" || c == "[" || c == "]" { kind = .glob }
            if c == "\\" {
                if i + 1 < scalars.count { kind = .glob }
                i += 1
            }
            i += 1
        }
        return kind
    }

    static func matches(_ rule: Rule, _ path: String) -> Bool {
        switch rule.kind {
        case .exact:
            return path == rule.text
        case .prefix:
            return path.hasPrefix(String(rule.text.dropLast(2)))
        case .suffix:
            let suffix = String(rule.text.dropFirst(2))
            if path.hasSuffix(suffix) { return true }
            return suffix.hasPrefix("/") && path == String(suffix.dropFirst())
        case .glob:
            return rule.glob.matches(path)
        }
    }

    /// `a/b/c` → `a`, `a/b`.
    static func parentPrefixes(of path: String) -> [String] {
        let parts = path.split(separator: "/")
        guard parts.count > 1 else { return [] }
        return (1..<parts.count).map { parts[0..<$0].joined(separator: "/") }
    }

    /// Trims spaces, tabs and carriage returns (Go's `strings.TrimSpace` for the usual cases).
    static func trim(_ text: String) -> String {
        let blank: Set<Character> = [" ", "\t", "\r", "\u{0B}", "\u{0C}"]
        var s = Substring(text)
        while let c = s.first, blank.contains(c) { s = s.dropFirst() }
        while let c = s.last, blank.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
