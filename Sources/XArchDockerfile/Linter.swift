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
        findings += context.imageTagFindings()
        findings += context.undeclaredArgumentFindings()
        findings += context.architectureFindings()
        findings += context.packagePinFindings()
        findings += context.probeNamingFindings()
        findings += context.caseFallbackFindings()
        return applyDirectives(findings, of: stages).sorted {
            ($0.range.start, $0.rule) < ($1.range.start, $1.rule)
        }
    }

    /// What the file says about findings (`# xarch-ignore`, `# check=skip=…;error=true`), applied to
    /// findings made elsewhere too (`BaseImageCheck`, which asks the registry).
    public func applyDirectives(_ findings: [Finding], of stages: DockerfileStages) -> [Finding] {
        Suppressions(stages.dockerfile).filter(findings)
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

    /// The architecture the file's name names (`Dockerfile.arm64`, `arm64.Dockerfile`, `Dockerfile-aarch64`):
    /// a file made for one platform by design; `base` is the architecture without its variant.
    /// Only a name part next to `Dockerfile`/`Containerfile` that is an architecture and nothing else
    /// counts (`case-fallback-amd64.Dockerfile` is about amd64, not for it).
    var fileArchitecture: (architecture: String, base: String)? {
        let name = (file.split(separator: "/").last.map(String.init) ?? file).lowercased()
        var parts = name.split(separator: ".").map(String.init)
        guard let index = parts.firstIndex(where: { $0 == "dockerfile" || $0 == "containerfile"
                                                    || $0.hasPrefix("dockerfile-") || $0.hasPrefix("dockerfile_") }) else { return nil }
        parts[index] = String(parts[index].dropFirst("dockerfile".count).drop { $0 == "-" || $0 == "_" })
        for part in [index - 1, index, index + 1] where parts.indices.contains(part) {
            var text = parts[part]
            for prefix in ["linux-", "linux_"] where text.hasPrefix(prefix) { text = String(text.dropFirst(prefix.count)) }
            guard !text.isEmpty, let token = ArchitectureNames.find(in: text.scalars).first,
                  token.text.count == text.count || LintContext.architectureNamespaces[text] != nil else { continue }
            return (token.architecture, String(token.architecture.prefix { $0 != "/" }))
        }
        return nil
    }

    /// A finding about `architecture`, lowered to an `info` note when the file's name says the file is
    /// for that architecture (a per-platform Dockerfile pins its platform on purpose).
    func byDesign(_ finding: Finding, architecture: String) -> Finding {
        guard let named = fileArchitecture, named.base == architecture.prefix(while: { $0 != "/" }) else { return finding }
        return finding.noted("the file name says the file is for \(named.architecture), so this is likely by design", severity: .info)
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
