import XArchAudit

/// The text output of `xarch audit`: one line per finding, `file:line workload/container image: message`
/// (the workload coloured by severity on a terminal), its fix indented below, then a summary line.
enum AuditOutput {
    /// Names, images and messages come from the manifests and registries: they go through `TerminalText`
    /// (the fix keeps its newlines: a patch spans lines).
    static func text(_ report: AuditReport, context: CommandContext) -> String {
        let f = TerminalText.field
        var out = ""
        for finding in report.findings {
            let colour: ANSI = finding.severity == .error ? .red : finding.severity == .warning ? .yellow : .cyan
            let image = finding.image.map { " \(f($0))" } ?? ""
            out += "\(f(finding.file)):\(finding.line) \(context.style(f(subject(finding)), colour))\(image): \(f(finding.message))\n"
            if let fix = finding.fix { out += "  fix: \(TerminalText.escaped(fix))\n" }
        }
        return out + summary(report) + "\n"
    }

    /// `prod/Deployment/web/app`; a compose service is `service/web`; a whole-workload finding has no container.
    static func subject(_ finding: AuditFinding) -> String {
        var subject = (finding.namespace.map { "\($0)/" } ?? "") + "\(finding.kind)/\(finding.name)"
        if let container = finding.container, finding.kind != "service" { subject += "/\(container)" }
        return subject
    }

    /// `6 workloads, 5 images, 3 node platforms (7 nodes): 2 errors, 1 warning`.
    static func summary(_ report: AuditReport) -> String {
        let platforms = Set(report.nodes.map(\.platform)).count
        let named = report.nodes.count != platforms || report.nodes.contains { $0.name != $0.platform }
        let nodes = "\(count(platforms, "node platform"))" + (named ? " (\(count(report.nodes.count, "node")))" : "")
        let bySeverity = AuditFinding.Severity.allCases.reversed().compactMap { severity -> String? in
            let n = report.findings.filter { $0.severity == severity }.count
            return n == 0 ? nil : count(n, severity == .info ? "note" : severity.rawValue)
        }
        let verdict = bySeverity.isEmpty ? "no findings" : bySeverity.joined(separator: ", ")
        return "\(count(report.workloads.count, "workload")), \(count(report.images.count, "image")), \(nodes): \(verdict)"
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
