/// How much a finding matters. Ordered: `info` < `warning` < `error`.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case info, warning, error

    public static func < (a: Severity, b: Severity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The SARIF 2.1.0 `level` (§3.27.10): `note`, `warning`, `error`.
    public var sarifLevel: String {
        switch self {
        case .info: "note"
        case .warning: "warning"
        case .error: "error"
        }
    }
}

/// A lint rule as data (style item 13, after BuildKit's `linter/ruleset.go`): what it finds, how bad
/// it is, why it matters, how to fix it, and where its documentation lives.
public struct LintRule: Sendable, Hashable, Codable {
    /// The stable identifier, used in output and in `# xarch-ignore ID`: `hardcoded-arch`.
    public var id: String
    /// A one-line summary.
    public var title: String
    /// The default severity.
    public var severity: Severity
    /// Why this breaks multi-platform images.
    public var explanation: String
    /// What to do instead.
    public var fix: String
    /// Whether the rule needs the registry (`xarch lint --check-base`).
    public var needsRegistry: Bool

    public init(id: String, title: String, severity: Severity, explanation: String, fix: String, needsRegistry: Bool = false) {
        self.id = id
        self.title = title
        self.severity = severity
        self.explanation = explanation
        self.fix = fix
        self.needsRegistry = needsRegistry
    }

    /// The rule's documentation page, relative to the repository root.
    public var documentation: String { "docs/rules/\(id).md" }
}

/// One thing the linter found.
public struct Finding: Sendable, Hashable, Codable {
    /// The rule's `id`.
    public var rule: String
    public var severity: Severity
    /// One sentence naming what is wrong, with the values involved.
    public var message: String
    /// The file as given to the linter.
    public var file: String
    /// Where: the word the finding is about.
    public var range: SourceRange
    /// A concrete fix for this occurrence, when the rule can say more than its general advice.
    public var fix: String?

    public init(rule: LintRule, message: String, file: String = "Dockerfile", range: SourceRange, fix: String? = nil) {
        self.rule = rule.id
        self.severity = rule.severity
        self.message = message
        self.file = file
        self.range = range
        self.fix = fix
    }
}
