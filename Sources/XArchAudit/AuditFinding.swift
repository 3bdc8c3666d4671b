import XArchModel

/// One thing `xarch audit` found about a workload's container: the stable JSON schema of
/// `xarch audit --format json` (`findings`).
public struct AuditFinding: Sendable, Hashable, Codable {
    /// How much a finding matters. Ordered: `info` < `warning` < `error`.
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case info, warning, error

        public static func < (a: Severity, b: Severity) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// What kind of finding it is (`AuditRule.id`).
    public var rule: String
    public var severity: Severity
    /// The file and the position of the `image:` field (of the workload for `unschedulable`).
    public var file: String
    public var line: Int
    public var column: Int
    /// The workload: Kubernetes `kind` (or `service`), `metadata.namespace`, `metadata.name`.
    public var kind: String
    public var namespace: String?
    public var name: String
    /// The container's name; nil for a finding about the whole workload.
    public var container: String?
    /// The image as written; nil for a compose service with only `build:` or a whole-workload finding.
    public var image: String?
    /// For each node platform the workload can land on and the image has: the digest pulled there.
    public var resolved: [String: String]
    /// The node platforms the workload can land on that the image lacks.
    public var missing: [String]
    /// The platforms the image offers.
    public var available: [String]
    /// With `--nodes-from`: the nodes that cannot run it.
    public var nodes: [String]?
    /// One sentence saying what is wrong.
    public var message: String
    /// One sentence saying what to do.
    public var fix: String?
}
