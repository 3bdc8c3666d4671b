import XArch
import XArchVerify

/// The human output of `xarch verify`: a table of platforms, then the findings, then the verdict.
enum VerifyOutput {
    static func print(_ r: VerifyReport, _ context: CommandContext) {
        context.print("verifying \(r.reference) (\(r.digest))")
        if !r.platforms.isEmpty {
            var table = Table("PLATFORM", "FILES", "ELF", "PE", "SCRIPTS", "ERRORS", "WARNINGS", "CHECKED AGAINST")
            for p in r.platforms {
                table.add(p.platform, String(p.filesScanned), String(p.elfFiles), String(p.peFiles), String(p.scripts),
                          p.errors > 0 ? context.style(String(p.errors), .red) : "0",
                          p.warnings > 0 ? context.style(String(p.warnings), .yellow) : "0", p.expected ?? "-")
            }
            for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print(line) }
        }
        for f in r.findings {
            let label = f.severity == .error ? context.style("error", .red) : context.style("warning", .yellow)
            let platform = f.platform.map { " [\($0)]" } ?? ""
            context.print("\(label)\(platform) \(f.kind): \(f.message)")
        }
        let counts = "\(r.errors) error\(r.errors == 1 ? "" : "s"), \(r.warnings) warning\(r.warnings == 1 ? "" : "s")"
        let scope = "\(r.platforms.count) platform\(r.platforms.count == 1 ? "" : "s") scanned, \(r.layersRead) layer\(r.layersRead == 1 ? "" : "s") read"
        context.print(r.passed ? context.style("passed", .green) + ": \(scope); \(counts)"
                               : context.style("FAILED", .red) + ": \(scope); \(counts)")
    }
}
