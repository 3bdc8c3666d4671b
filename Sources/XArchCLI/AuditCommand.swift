import ArgumentParser
import XArch
import XArchAudit
import XArchModel

/// `xarch audit FILE|DIR|-… --nodes P,… | --nodes-from FILE [--format text|json|sarif] [--severity S] [--fix]`.
struct AuditCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Find the workloads whose images lack the platform of a node they can be scheduled on.",
        discussion: """
            Reads Kubernetes manifests (YAML or JSON, several documents, List kinds; hand-written, `helm template` or \
            `kustomize build` output) and compose files; directories are walked for *.yaml, *.yml and *.json. \
            Each image is looked up once and resolved for every node platform a workload can land on \
            (nodeSelector, required nodeAffinity, tolerations against taints), as containerd resolves it. \
            With --nodes only the kubernetes.io/os and kubernetes.io/arch labels are known (selectors on other labels \
            are assumed to match); --nodes-from knows every label and taint. \
            Rules: \(AuditRule.all.map(\.id).joined(separator: ", ")). Exit 3 when a finding at or above --severity \
            remains, 1 when a file or the registry cannot be read.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @Option(name: .long, help: ArgumentHelp("The platforms of the nodes (comma-separated or repeated).", valueName: "linux/amd64,linux/arm64,…"))
    var nodes: [String] = []

    @Option(name: .customLong("nodes-from"), help: ArgumentHelp("The nodes, labels and taints of `kubectl get nodes -o json` saved in a file.", valueName: "file"))
    var nodesFrom: String?

    @Option(name: .long, help: "Output format: text, json or sarif.")
    var format: Format = .text

    @Option(name: .long, help: "Report findings at or above this severity: info, warning or error.")
    var severity: AuditFinding.Severity = .warning

    @Flag(name: .long, help: "Print the nodeAffinity patches that restrict each workload to the architectures its images have (findings go to stderr).")
    var fix = false

    @Option(name: .long, help: "How many images to look up at once.")
    var jobs = 8

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Manifest or compose files, directories, or - for standard input.")
    var paths: [String] = []

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one file or directory, e.g. `xarch audit k8s/ --nodes linux/amd64,linux/arm64`.") }
        if nodes.isEmpty == (nodesFrom == nil) {
            throw ValidationError("Give the nodes with --nodes linux/amd64,linux/arm64 or --nodes-from a saved `kubectl get nodes -o json` (one of the two).")
        }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if !nodes.isEmpty, try platforms(nodes).isEmpty { throw ValidationError("--nodes needs at least one platform, e.g. --nodes linux/amd64,linux/arm64.") }
        if fix && format != .text { throw ValidationError("--fix prints YAML patches; it goes with the text format.") }
    }

    func execute(_ context: CommandContext) async throws {
        let clusterNodes = try nodesFrom.map(Audit.nodes(fromFile:))
            ?? AuditSources.nodes(platforms: try platforms(nodes))
        let options = Audit.Options(nodes: clusterNodes, threshold: severity, jobs: jobs)
        let report = try await registry.withSession { try await Audit.audit(paths, options: options, session: $0) }
        switch format {
        case .text:
            let findings = AuditOutput.text(report, context: context)
            if fix {
                context.stderr.write(findings)
                context.stdout.write(AffinityPatch.stream(report.patches))
            } else {
                context.stdout.write(findings)
            }
        case .json:
            try context.printJSON(report)
        case .sarif:
            context.stdout.write(try report.sarif(toolVersion: XArchVersion.current))
        }
        if let first = report.unreachableImages.first {
            let count = report.unreachableImages.count
            throw XArchError(.network, "the audit is incomplete: \(count) image\(count == 1 ? "" : "s") could not be looked up because the registry could not be reached (\(first.reference): \(first.error ?? "unreachable"))")
        }
        if !report.findings.isEmpty {
            let count = report.findings.count
            throw XArchError(.checkFailed, "\(count) finding\(count == 1 ? "" : "s") at or above \(severity.rawValue)")
        }
    }

    /// The platforms of `--nodes`; one that does not parse is a usage error.
    private func platforms(_ occurrences: [String]) throws -> [Platform] {
        do { return try ListOption.platforms(occurrences) } catch let error as XArchError { throw ValidationError("--nodes: \(error.message)") }
    }
}

extension AuditFinding.Severity: ExpressibleByArgument {}
