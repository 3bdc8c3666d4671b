import Foundation

/// Output of `xarch lint`: text (`file:line:col rule message`), JSON, and SARIF 2.1.0.
public enum FindingReport {
    /// One line per finding: `file:line:col rule message`. `style` can colour the rule id by severity.
    public static func text(_ findings: [Finding], style: (String, Severity) -> String = { text, _ in text }) -> String {
        findings.map { "\($0.file):\($0.range.start.line):\($0.range.start.column) \(style($0.rule, $0.severity)) \($0.message)\n" }
            .joined()
    }

    /// The JSON schema of `xarch lint --format json`: an array of findings with 1-based positions.
    public struct Entry: Codable, Hashable, Sendable {
        public var file: String
        public var line: Int
        public var column: Int
        public var endLine: Int
        public var endColumn: Int
        public var rule: String
        public var severity: Severity
        public var message: String
        public var fix: String?
        public var documentation: String?

        public init(_ finding: Finding) {
            file = finding.file
            line = finding.range.start.line
            column = finding.range.start.column
            endLine = finding.range.end.line
            endColumn = finding.range.end.column
            rule = finding.rule
            severity = finding.severity
            message = finding.message
            let rule = LintRules.rule(finding.rule)
            fix = finding.fix ?? rule?.fix
            documentation = rule?.documentation
        }
    }

    public static func entries(_ findings: [Finding]) -> [Entry] { findings.map(Entry.init) }

    /// Pretty, sorted-key JSON of `entries(findings)`.
    public static func json(_ findings: [Finding]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(entries(findings)), as: UTF8.self) + "\n"
    }
}
