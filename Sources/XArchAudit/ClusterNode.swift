import XArchModel

/// A node a workload may land on: its platform, and with `--nodes-from` its name, labels and taints.
public struct ClusterNode: Sendable, Hashable, Codable {
    /// The node's name; for `--nodes` the platform itself.
    public var name: String
    /// The platform its container runtime pulls for (normalized: `linux/arm` is `linux/arm/v7`).
    public var platform: Platform
    /// The node's labels (`kubernetes.io/os`, `kubernetes.io/arch` and any other).
    public var labels: [String: String]
    /// The node's taints (`spec.taints`).
    public var taints: [Taint]
    /// Whether `labels` are all the node has (a `kubectl get nodes` dump). For a platform given with
    /// `--nodes` only the os and arch labels are known: a selector on any other label is assumed to
    /// match some node of that platform.
    public var labelsComplete: Bool

    public init(name: String, platform: Platform, labels: [String: String], taints: [Taint] = [],
                labelsComplete: Bool = true) {
        self.name = name
        self.platform = platform.normalized
        self.labels = labels
        self.taints = taints
        self.labelsComplete = labelsComplete
    }

    /// A node for a platform of `--nodes`: labelled `kubernetes.io/os` and `kubernetes.io/arch` (and
    /// their `beta.` forms), nothing else known.
    public init(platform: Platform) {
        let platform = platform.normalized
        self.init(name: platform.formatted, platform: platform,
                  labels: Self.platformLabels(platform), labelsComplete: false)
    }

    /// The well-known labels the kubelet sets from the platform it runs on.
    public static func platformLabels(_ platform: Platform) -> [String: String] {
        [LabelKey.os: platform.os, LabelKey.arch: platform.architecture,
         LabelKey.betaOS: platform.os, LabelKey.betaArch: platform.architecture]
    }

    /// Whether the label requirement holds here; for a label this node is not known to have or lack
    /// (`labelsComplete` false, not a platform label) it is assumed to hold.
    public func satisfies(_ requirement: NodeSelectorRequirement) -> Bool {
        if !labelsComplete, labels[requirement.key] == nil { return true }
        return requirement.holds(for: labels[requirement.key])
    }

    /// The label keys of the Kubernetes well-known labels that name a node's platform.
    public enum LabelKey {
        public static let os = "kubernetes.io/os"
        public static let arch = "kubernetes.io/arch"
        public static let betaOS = "beta.kubernetes.io/os"
        public static let betaArch = "beta.kubernetes.io/arch"
    }
}
