import ArgumentParser
import XArch
import XArchDockerfile
import XArchModel

/// `xarch lint Dockerfile… [--severity S] [--format text|json|sarif] [--check-base --platform P,…]`.
struct LintCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Find multi-architecture traps in Dockerfiles.",
        discussion: """
            Rules (docs/rules/<id>.md): \(LintRules.all.map(\.id).joined(separator: ", ")).
            Silence a rule for one instruction with a `# xarch-ignore RULE` comment above it, or for the file with \
            `# check=skip=RULE`. Exit 3 when a finding at or above --severity remains.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @Option(name: .long, help: "Output format: text, json or sarif.")
    var format: Format = .text

    @Option(name: .long, help: "Report findings at or above this severity: info, warning or error.")
    var severity: Severity = .warning

    @Flag(name: .customLong("check-base"), help: "Look up every base image in its registry or layout (needs --platform).")
    var checkBase = false

    @Option(name: .long, help: "With --check-base: the platforms the build targets (comma-separated or repeated), e.g. linux/amd64,linux/arm64.")
    var platform: [String] = []

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Dockerfiles to lint.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one Dockerfile, e.g. `xarch lint Dockerfile`.") }
        if checkBase && platform.isEmpty { throw ValidationError("--check-base needs --platform P[,P…], the platforms the build targets.") }
        if !platform.isEmpty && !checkBase { throw ValidationError("--platform is used with --check-base.") }
    }

    func execute(_ context: CommandContext) async throws {
        let platforms = checkBase ? try ListOption.platforms(platform) : nil
        let options = DockerfileLint.Options(threshold: severity, basePlatforms: platforms)
        let findings = try await registry.withSession { try await DockerfileLint.lint(files: files, options: options, session: $0) }
        switch format {
        case .text:
            // File names and messages quote the Dockerfile: through `TerminalText` before the colours.
            let shown = findings.map { finding in
                var safe = finding
                safe.file = TerminalText.field(finding.file)
                safe.message = TerminalText.field(finding.message)
                return safe
            }
            context.stdout.write(FindingReport.text(shown) { rule, severity in
                context.style(rule, severity == .error ? .red : severity == .warning ? .yellow : .cyan)
            })
        case .json:
            context.stdout.write(try FindingReport.json(findings))
        case .sarif:
            context.stdout.write(try FindingReport.sarif(findings, toolVersion: XArchVersion.current))
        }
        if !findings.isEmpty {
            throw XArchError(.checkFailed, "\(findings.count) finding\(findings.count == 1 ? "" : "s") at or above \(severity.rawValue)")
        }
    }
}

extension Severity: ExpressibleByArgument {}
