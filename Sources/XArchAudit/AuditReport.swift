import XArchModel

/// What `xarch audit` reports: the stable `--format json` schema (documented in the README).
public struct AuditReport: Sendable, Hashable, Codable {
    /// Every finding at or above the threshold: files in the order they were read, by line in each.
    public var findings: [AuditFinding]
    /// Each distinct image reference once, as looked up.
    public var images: [AuditImage]
    /// Every workload read, with where it can land and where it runs.
    public var workloads: [AuditWorkload]
    /// The nodes audited against.
    public var nodes: [AuditNode]
    /// The `nodeAffinity` patches `--fix` prints, one per workload that lacks platforms and runs on some
    /// node architecture (not part of the JSON).
    public var patches: [AffinityPatch] = []

    enum CodingKeys: String, CodingKey { case findings, images, workloads, nodes }

    public init(findings: [AuditFinding], images: [AuditImage], workloads: [AuditWorkload], nodes: [AuditNode],
                patches: [AffinityPatch] = []) {
        self.findings = findings
        self.images = images
        self.workloads = workloads
        self.nodes = nodes
        self.patches = patches
    }

    /// The images whose registry could not be reached: the audit could not judge them.
    public var unreachableImages: [AuditImage] { images.filter { $0.unreachable == true } }

    /// The findings at or above `severity`.
    public func findings(atLeast severity: AuditFinding.Severity) -> [AuditFinding] {
        findings.filter { $0.severity >= severity }
    }
}

/// A workload in the report.
public struct AuditWorkload: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int
    public var kind: String
    public var namespace: String?
    public var name: String
    /// The images of its containers, in order.
    public var images: [String]
    /// The node platforms it can be scheduled on (node selector, affinity, taints).
    public var landsOn: [String]
    /// Of those, the ones whose nodes run every image it has that was found.
    public var runsOn: [String]
}

/// A node in the report: its name (the platform for `--nodes`) and platform.
public struct AuditNode: Sendable, Hashable, Codable {
    public var name: String
    public var platform: String
}
