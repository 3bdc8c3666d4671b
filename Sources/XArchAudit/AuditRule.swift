/// The kinds of findings of `xarch audit`, as data: id, severity, what it finds, what to do. Their ids
/// are the `rule` of each finding and the SARIF rule ids (SARIF 2.1.0 §3.49 `reportingDescriptor`).
public struct AuditRule: Sendable, Hashable, Codable {
    public var id: String
    public var severity: AuditFinding.Severity
    /// A one-line summary.
    public var title: String
    /// Why it matters.
    public var explanation: String

    /// A node the workload can land on would pull no image for its platform: the pod fails there with
    /// `exec format error` or `no matching manifest`.
    public static let missingPlatform = AuditRule(
        id: "missing-platform", severity: .error, title: "The image lacks the platform of a node the workload can land on",
        explanation: "The scheduler may place the pod on a node whose platform the image does not provide; it then fails to pull (no matching manifest) or crash-loops with `exec format error`. Restrict the workload to the architectures the image has with a nodeAffinity on kubernetes.io/arch, or publish a multi-platform image.")
    /// The image could not be looked up: nothing can be said about where it runs.
    public static let unknownImage = AuditRule(
        id: "unknown-image", severity: .warning, title: "The image could not be looked up",
        explanation: "The reference is invalid, does not exist, or the registry refused it (credentials?). Which platforms it has is unknown, so the workload is not known to run anywhere.")
    /// A compose service with only `build:` (the image is built where it runs), or a container without
    /// an `image:` field.
    public static let notCheckable = AuditRule(
        id: "not-checkable", severity: .info, title: "The service has no image to check",
        explanation: "A compose service with only `build:` is built on the host that runs it; its platforms follow from its Dockerfile (check it with `xarch lint`). A container without an `image:` field has nothing to look up.")
    /// No node admits the workload (node selector, affinity, taints, or a compose `platform:` no node runs).
    public static let unschedulable = AuditRule(
        id: "unschedulable", severity: .warning, title: "No node the audit knows can run the workload",
        explanation: "Its nodeSelector, required nodeAffinity and tolerations (or a compose service's `platform:`) match none of the nodes given: it would stay Pending, or run under emulation.")

    /// Every rule, in the order SARIF lists them.
    public static let all: [AuditRule] = [.missingPlatform, .unknownImage, .notCheckable, .unschedulable]
}
