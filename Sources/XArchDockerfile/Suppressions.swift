import Foundation
/// Which findings the Dockerfile itself silences.
///
/// - `# xarch-ignore RULE[,RULE…]` (or `xarch-ignore=…`, `all` for every rule) in the comments right
///   above an instruction silences those rules for findings inside that instruction.
/// - `# check=skip=RULE,…` (BuildKit's check directive; `skip=all` too) silences them for the file;
///   BuildKit's own check names count for the xarch rules they cover (`BuildKitChecks`).
/// - `# check=error=true` (BuildKit: a check violation fails the build) raises warnings to errors.
struct Suppressions {
    private var skippedEverywhere: Set<String> = []
    private var perInstruction: [(range: SourceRange, rules: Set<String>)] = []
    private var warningsAreErrors = false

    init(_ dockerfile: Dockerfile) {
        if let check = dockerfile.directive("check") {
            for part in check.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                switch pair[0].lowercased() {
                case "skip":
                    for name in pair[1].split(separator: ",") {
                        skippedEverywhere.formUnion(BuildKitChecks.rules(named: name.trimmingCharacters(in: .whitespaces)))
                    }
                case "error":
                    // BuildKit parses the value with Go's strconv.ParseBool.
                    warningsAreErrors = ["1", "t", "true"].contains(pair[1].lowercased())
                default:
                    continue
                }
            }
        }
        for instruction in dockerfile.instructions {
            var rules: Set<String> = []
            for comment in instruction.comments {
                rules.formUnion(Self.ignoredRules(comment.text).flatMap(BuildKitChecks.rules(named:)))
            }
            if !rules.isEmpty { perInstruction.append((instruction.range, rules)) }
        }
    }

    /// The rules an `xarch-ignore` comment names, or none if it is another comment.
    static func ignoredRules(_ comment: String) -> Set<String> {
        let prefix = "xarch-ignore"
        guard comment.hasPrefix(prefix) else { return [] }
        let rest = comment.dropFirst(prefix.count)
        guard let first = rest.first, first == " " || first == "=" || first == "\t" else { return [] }
        let ids = rest.dropFirst().split { $0 == "," || $0 == " " || $0 == "\t" }.map(String.init)
        return Set(ids)
    }

    func isSuppressed(_ finding: Finding) -> Bool {
        if skippedEverywhere.contains("all") || skippedEverywhere.contains(finding.rule) { return true }
        return perInstruction.contains { entry in
            (entry.rules.contains(finding.rule) || entry.rules.contains("all"))
                && entry.range.start.line <= finding.range.start.line && finding.range.start.line <= entry.range.end.line
        }
    }

    /// The findings not silenced, warnings raised to errors under `check=error=true`.
    func filter(_ findings: [Finding]) -> [Finding] {
        findings.filter { !isSuppressed($0) }.map { finding in
            var finding = finding
            if warningsAreErrors && finding.severity == .warning { finding.severity = .error }
            return finding
        }
    }
}
