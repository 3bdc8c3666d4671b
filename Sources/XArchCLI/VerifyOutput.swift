import XArch
import XArchVerify

/// The human output of `xarch verify`: a table of platforms, then the findings, then the verdict.
enum VerifyOutput {
    /// Platforms, file names and messages come from the image: they go through `TerminalText`.
    static func print(_ r: VerifyReport, _ context: CommandContext) {
        let f = TerminalText.field
        context.print("verifying \(f(r.reference)) (\(f(r.digest)))")
        if !r.platforms.isEmpty {
            var table = Table("PLATFORM", "FILES", "ELF", "PE", "SCRIPTS", "ERRORS", "WARNINGS", "CHECKED AGAINST")
            for p in r.platforms {
                table.add(f(p.platform), String(p.filesScanned), String(p.elfFiles), String(p.peFiles), String(p.scripts),
                          p.errors > 0 ? context.style(String(p.errors), .red) : "0",
                          p.warnings > 0 ? context.style(String(p.warnings), .yellow) : "0", f(p.expected ?? "-"))
            }
            for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print(line) }
        }
        for finding in r.findings {
            let label = finding.severity == .error ? context.style("error", .red) : context.style("warning", .yellow)
            let platform = finding.platform.map { " [\(f($0))]" } ?? ""
            context.print("\(label)\(platform) \(finding.kind): \(f(finding.message))")
        }
        let counts = "\(r.errors) error\(r.errors == 1 ? "" : "s"), \(r.warnings) warning\(r.warnings == 1 ? "" : "s")"
        let scope = "\(r.platforms.count) platform\(r.platforms.count == 1 ? "" : "s") scanned, \(r.layersRead) layer\(r.layersRead == 1 ? "" : "s") read"
        context.print(r.passed ? context.style("passed", .green) + ": \(scope); \(counts)"
                               : context.style("FAILED", .red) + ": \(scope); \(counts)")
    }
}
