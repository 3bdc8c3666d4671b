import XArchModel

/// One Dockerfile instruction as the build evaluates it: the parser's node (BuildKit `parser.Node`,
/// as `XArchDockerfile` produces it) reduced to what evaluation needs. `DockerfileAdapter` makes these
/// from the parser's tree; nothing else in the build sees the parser's types.
struct BuildInstruction: Sendable, Hashable {
    /// A here-document body (Dockerfile reference, "Here-Documents").
    struct Heredoc: Sendable, Hashable {
        var name: String
        /// The body with `<<-` tab stripping applied.
        var content: String
        /// Whether variables in the body are expanded (the delimiter was not quoted).
        var expand: Bool
    }

    /// The lowercase command: `from`, `copy`, `env`, …
    var command: String
    /// `--name=value` flags, in order; a bare `--name` has the value `true`.
    var flags: [(name: String, value: String)]
    /// The arguments as BuildKit's parser splits them (quotes still in place for the shell forms):
    /// `ENV`/`LABEL` give key, value, separator triples; `HEALTHCHECK` gives its type first.
    var arguments: [String]
    /// The exec (JSON array) form was used.
    var isJSON: Bool
    var heredocs: [Heredoc]
    /// The logical line as written (continuations joined), for history and messages.
    var original: String
    /// The line of the keyword, from 1.
    var line: Int
    /// The instruction an `ONBUILD` registers (stored as its text, see `triggerText`).
    var triggerText: String?

    /// The value of `--name`, the last one when repeated.
    func flag(_ name: String) -> String? {
        flags.last { $0.name == name }?.value
    }

    /// Refuses flags other than `allowed`, naming the line.
    func checkFlags(_ allowed: Set<String>) throws {
        for flag in flags where !allowed.contains(flag.name) {
            let known = allowed.isEmpty ? "it takes no flags" : "it takes " + allowed.sorted().map { "--\($0)" }.joined(separator: ", ")
            throw fail("unknown flag --\(flag.name) for \(command.uppercased()) (\(known))")
        }
    }

    /// An error about this instruction, naming its line (`Dockerfile:7: …`).
    func fail(_ message: String, code: XArchError.Code = .invalidInput) -> XArchError {
        XArchError(code, "Dockerfile line \(line): \(message)")
    }

    static func == (a: BuildInstruction, b: BuildInstruction) -> Bool {
        a.command == b.command && a.arguments == b.arguments && a.isJSON == b.isJSON && a.heredocs == b.heredocs
            && a.original == b.original && a.line == b.line && a.triggerText == b.triggerText
            && a.flags.map(\.name) == b.flags.map(\.name) && a.flags.map(\.value) == b.flags.map(\.value)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(command)
        hasher.combine(arguments)
        hasher.combine(line)
    }
}

/// Variable expansion as BuildKit's shell lexer does it (Dockerfile reference, "Environment
/// replacement"), provided by the parser module through `DockerfileAdapter`.
protocol WordExpanding: Sendable {
    /// The expanded text of `word` (BuildKit `ProcessWord`): quotes removed, `$VAR` substituted.
    func expand(_ word: String, _ environment: [String: String]) throws -> String
    /// The words `word` splits into after expansion (BuildKit `ProcessWords`).
    func words(_ word: String, _ environment: [String: String]) throws -> [String]
}

/// A Dockerfile read and split into stages, with the expansion its escape character implies.
struct ParsedDockerfile: Sendable {
    var stages: BuildStages
    var expander: any WordExpanding
}
