import XArchModel

/// Finds multi-architecture traps in a Dockerfile with the rules of `LintRules` (the ones that need no
/// registry; `BaseImageCheck` covers the others). Findings can be silenced per instruction with a
/// `# xarch-ignore RULE[,RULE…]` comment above it, or for the file with `# check=skip=RULE,…`.
public struct Linter: Sendable {
    /// The file name findings carry.
    public var file: String

    public init(file: String = "Dockerfile") {
        self.file = file
    }

    /// Lints Dockerfile text. Throws when it does not parse (with the location in the error).
    public func lint(_ text: String) throws -> [Finding] {
        try lint(DockerfileStages(DockerfileParser.parse(text)))
    }

    /// Lints parsed stages. Findings are sorted by position, then rule.
    public func lint(_ stages: DockerfileStages) -> [Finding] {
        let context = LintContext(stages: stages, file: file)
        var findings: [Finding] = []
        findings += context.platformFindings()
        findings += context.repositoryFindings()
        findings += context.undeclaredArgumentFindings()
        findings += context.architectureFindings()
        return Suppressions(stages.dockerfile).filter(findings).sorted {
            ($0.range.start, $0.rule) < ($1.range.start, $1.rule)
        }
    }
}

/// What every check needs: the stages, the file name, and helpers to place findings.
struct LintContext {
    let stages: DockerfileStages
    let file: String

    var dockerfile: Dockerfile { stages.dockerfile }

    /// The source range of `text` inside `instruction` (heredoc bodies included), or the keyword.
    func locate(_ text: String, in instruction: Instruction, offset: Int = 0, length: Int? = nil) -> SourceRange {
        guard let start = dockerfile.locate(text, from: instruction.position, through: instruction.range.end.line) else {
            return instruction.keyword.range
        }
        let first = SourcePosition(line: start.line, column: start.column + offset)
        let width = max(1, length ?? text.unicodeScalars.count)
        return SourceRange(start: first, end: SourcePosition(line: first.line, column: first.column + width - 1))
    }

    /// How a stage is named in messages: `"build"` or `#2` for an unnamed one.
    func describe(_ stage: BuildStage) -> String {
        stage.name.map { "\"\($0)\"" } ?? "#\(stage.index + 1)"
    }

    /// The texts of an instruction that a shell or BuildKit will expand: arguments, flag values, heredoc bodies.
    func texts(of instruction: Instruction, includeDestination: Bool = true) -> [String] {
        var texts = instruction.flags.map(\.value)
        var arguments = instruction.arguments.map(\.value)
        if !includeDestination, ["copy", "add"].contains(instruction.command), !arguments.isEmpty { arguments.removeLast() }
        texts += arguments
        texts += instruction.heredocs.map(\.content)
        return texts
    }
}
