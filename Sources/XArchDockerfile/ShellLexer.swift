import XArchModel

/// Dockerfile word expansion: quotes, escapes and `$VAR` substitution exactly as BuildKit's
/// `frontend/dockerfile/shell` lexer performs them (Dockerfile reference, "Environment replacement").
///
/// Supported: `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`,
/// `${VAR:?message}`, `${VAR?message}`, `${VAR#pattern}`, `${VAR##pattern}`, `${VAR%pattern}`,
/// `${VAR%%pattern}`, `${VAR/pattern/replacement}`, `${VAR//pattern/replacement}`; single quotes (literal),
/// double quotes (only `$` expands; the escape character escapes `"`, `$` and itself), and the escape
/// character (`\` or the one set by `# escape=`). Patterns are shell wildcards: `*`, `?` and `\`-escapes.
///
/// The lexer is a pure function of its input and environment: the future `xarch build` expands
/// `ARG`, `ENV`, `COPY` and `ADD` words with it, and the linter uses it to see which variables a word uses.
public struct ShellLexer: Sendable {
    /// The escape character: `\` by default, `` ` `` with `# escape=``.
    public var escapeToken: Unicode.Scalar
    /// Keep quote characters in the result (BuildKit `RawQuotes`).
    public var rawQuotes = false
    /// Keep escape characters in the result (BuildKit `RawEscapes`).
    public var rawEscapes = false
    /// Treat quotes as ordinary characters (BuildKit `SkipProcessQuotes`, used for heredoc bodies).
    public var skipProcessQuotes = false
    /// Leave references to unset variables as written instead of expanding them to "" (BuildKit `SkipUnsetEnv`).
    public var skipUnsetEnvironment = false

    /// The largest expanded word (1 MiB).
    public static let maximumExpansion = 1 << 20

    public init(escapeToken: Unicode.Scalar = "\\") {
        self.escapeToken = escapeToken
    }

    /// Expands `word`: the expanded text, the words it splits into (after expansion, quotes respected),
    /// and the variable names it referenced that were set (`matched`) or unset (`unmatched`).
    public func expand(_ word: String, environment: ShellEnvironment) throws -> ShellExpansion {
        var scanner = ShellWordScanner(input: word.scalars, lexer: self, environment: environment)
        do {
            let (result, words) = try scanner.processStopOn(nil, rawEscapes: rawEscapes)
            // `ARG a=${a}${a}`, repeated, doubles a value each time: refuse it at a size no real value has.
            guard result.utf8.count <= Self.maximumExpansion else {
                throw XArchError(.tooLarge, "the expansion of \(GoQuote.quote(String(word.prefix(80)))) is \(result.utf8.count) bytes, more than the \(Self.maximumExpansion >> 20) MiB a word may grow to")
            }
            return ShellExpansion(result: result, words: words, matched: scanner.matched, unmatched: scanner.unmatched)
        } catch let error as ShellSyntaxError {
            throw XArchError(.invalidInput, "failed to process \(GoQuote.quote(word)): \(error.message)", cause: error)
        }
    }

    /// The expanded text of `word` (BuildKit `ProcessWord`).
    public func expandWord(_ word: String, environment: ShellEnvironment) throws -> String {
        try expand(word, environment: environment).result
    }

    /// The words `word` splits into after expansion (BuildKit `ProcessWords`).
    public func words(_ word: String, environment: ShellEnvironment) throws -> [String] {
        try expand(word, environment: environment).words
    }
}

/// The result of an expansion.
public struct ShellExpansion: Sendable, Hashable {
    /// The expanded text, whitespace kept.
    public var result: String
    /// The text split into words at unquoted whitespace.
    public var words: [String]
    /// Variables that were referenced and set.
    public var matched: Set<String>
    /// Variables that were referenced and not set.
    public var unmatched: Set<String>
}

/// The variables visible to an expansion. Names are case-sensitive, as on Linux.
public struct ShellEnvironment: Sendable, Hashable {
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// From `KEY=value` strings; a later key wins; `KEY` alone means the empty value.
    public init(pairs: [String]) {
        var values: [String: String] = [:]
        for pair in pairs {
            if let eq = pair.firstIndex(of: "=") {
                values[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
            } else {
                values[pair] = ""
            }
        }
        self.init(values)
    }

    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }
}

/// A syntax error inside a word (`syntax error: missing '}'`, `unsupported modifier (:#) in substitution`).
public struct ShellSyntaxError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
