import Foundation

/// SARIF 2.1.0 (OASIS, "Static Analysis Results Interchange Format"), the format code-scanning UIs read.
extension FindingReport {
    /// A SARIF log with one run: the tool with every rule (§3.19.23 `rules`), and one result per finding
    /// (§3.27) located by file, line and column (columns counted in Unicode code points, §3.14.20).
    public static func sarif(_ findings: [Finding], toolVersion: String, rules: [LintRule] = LintRules.all,
                             documentationBase: String? = nil) throws -> String {
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.id, $0.offset) })
        let descriptors: [[String: Any]] = rules.map { rule in
            var descriptor: [String: Any] = [
                "id": rule.id,
                "name": rule.id,
                "shortDescription": ["text": rule.title],
                "fullDescription": ["text": rule.explanation],
                "help": ["text": rule.fix, "markdown": "**Fix:** \(rule.fix)"],
                "defaultConfiguration": ["level": rule.severity.sarifLevel],
                "properties": ["documentation": rule.documentation],
            ]
            if let base = documentationBase { descriptor["helpUri"] = base + rule.documentation }
            return descriptor
        }
        let results: [[String: Any]] = findings.map { finding in
            var result: [String: Any] = [
                "ruleId": finding.rule,
                "level": finding.severity.sarifLevel,
                "message": ["text": finding.message],
                "locations": [[
                    "physicalLocation": [
                        "artifactLocation": ["uri": finding.file],
                        "region": [
                            "startLine": finding.range.start.line, "startColumn": finding.range.start.column,
                            "endLine": finding.range.end.line, "endColumn": finding.range.end.column + 1,
                        ],
                    ],
                ]],
            ]
            if let index = ruleIndex[finding.rule] { result["ruleIndex"] = index }
            if let fix = finding.fix { result["properties"] = ["fix": fix] }
            return result
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": "xarch", "version": toolVersion, "informationUri": "https://github.com/xarch/xarch",
                    "rules": descriptors,
                ]],
                "columnKind": "unicodeCodePoints",
                "results": results,
            ]],
        ]
        let data = try JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
