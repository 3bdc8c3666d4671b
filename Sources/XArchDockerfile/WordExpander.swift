/// Variable expansion in instruction arguments as BuildKit's shell lexer does it (Dockerfile
/// reference, "Environment replacement"), for a file's escape character, over plain dictionaries.
public struct WordExpander: Sendable {
    /// The lexer, with the file's escape character.
    public let lexer: ShellLexer

    /// An expander for a file whose escape character is `escapeToken` (Dockerfile reference, "escape").
    public init(escapeToken: Unicode.Scalar = "\\") {
        lexer = ShellLexer(escapeToken: escapeToken)
    }

    /// The expanded text of `word` (BuildKit `ProcessWord`): quotes removed, `$VAR` substituted.
    public func expand(_ word: String, _ environment: [String: String]) throws -> String {
        try lexer.expandWord(word, environment: ShellEnvironment(environment))
    }

    /// The words `word` splits into after expansion (BuildKit `ProcessWords`).
    public func words(_ word: String, _ environment: [String: String]) throws -> [String] {
        try lexer.words(word, environment: ShellEnvironment(environment))
    }
}
