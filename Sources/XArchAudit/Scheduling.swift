import XArchModel

/// Where a pod may be scheduled, as its pod spec says (Kubernetes `PodSpec`: `nodeSelector`,
/// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`, `tolerations`), or the
/// platform a compose service asks for (`platform:`).
public struct Scheduling: Sendable, Hashable, Codable {
    /// `nodeSelector`: every label must be present with this value.
    public var nodeSelector: [String: String]
    /// `nodeSelectorTerms` of the required node affinity: ORed; empty means no constraint.
    public var requiredTerms: [NodeSelectorTerm]
    /// `tolerations`.
    public var tolerations: [Toleration]
    /// A compose service's `platform:`: it runs that platform, natively on a node that runs it.
    public var platform: Platform?

    public init(nodeSelector: [String: String] = [:], requiredTerms: [NodeSelectorTerm] = [],
                tolerations: [Toleration] = [], platform: Platform? = nil) {
        self.nodeSelector = nodeSelector
        self.requiredTerms = requiredTerms
        self.tolerations = tolerations
        self.platform = platform
    }

    /// Whether a pod with these constraints may be scheduled on `node`: the node selector and a
    /// required affinity term match its labels, and every taint with effect `NoSchedule` or
    /// `NoExecute` is tolerated (`PreferNoSchedule` only repels). Labels a node is not known to have
    /// (`ClusterNode.labelsComplete` false) are assumed to be present as asked.
    public func admits(_ node: ClusterNode) -> Bool {
        for (key, value) in nodeSelector where !node.satisfies(NodeSelectorRequirement(key: key, operator: .in, values: [value])) {
            return false
        }
        if !requiredTerms.isEmpty, !requiredTerms.contains(where: { $0.matches(node) }) { return false }
        for taint in node.taints where taint.effect != .preferNoSchedule {
            if !tolerations.contains(where: { $0.tolerates(taint) }) { return false }
        }
        if let platform, !PlatformMatcher.only(node.platform).matches(platform) { return false }
        return true
    }
}

/// One `nodeSelectorTerm`: its `matchExpressions` (ANDed) on node labels. `matchFields` are kept
/// only as a count: a term with fields is judged by its label expressions alone.
public struct NodeSelectorTerm: Sendable, Hashable, Codable {
    public var matchExpressions: [NodeSelectorRequirement]

    public init(matchExpressions: [NodeSelectorRequirement]) {
        self.matchExpressions = matchExpressions
    }

    /// Whether every expression holds on `node`.
    public func matches(_ node: ClusterNode) -> Bool {
        matchExpressions.allSatisfy { node.satisfies($0) }
    }
}

/// A `NodeSelectorRequirement`: `key`, `operator` (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`,
/// `Lt`) and `values`.
public struct NodeSelectorRequirement: Sendable, Hashable, Codable {
    public enum Operator: String, Sendable, Hashable, Codable {
        case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist", gt = "Gt", lt = "Lt"
    }

    public var key: String
    public var `operator`: Operator
    public var values: [String]

    public init(key: String, operator: Operator, values: [String] = []) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    /// Whether the requirement holds for a node whose label `key` has `value` (nil: no such label).
    /// `Gt` and `Lt` compare integers, as the scheduler does.
    public func holds(for value: String?) -> Bool {
        switch self.operator {
        case .in: return value.map(values.contains) ?? false
        case .notIn: return value.map { !values.contains($0) } ?? true
        case .exists: return value != nil
        case .doesNotExist: return value == nil
        case .gt, .lt:
            guard let value, let number = Int(value), values.count == 1, let bound = Int(values[0]) else { return false }
            return self.operator == .gt ? number > bound : number < bound
        }
    }
}

/// A pod `toleration`: `key`, `operator` (`Equal`, the default, or `Exists`), `value`, `effect`
/// (empty: every effect). An empty key with `Exists` tolerates every taint.
public struct Toleration: Sendable, Hashable, Codable {
    public var key: String
    public var `operator`: String
    public var value: String
    public var effect: Taint.Effect?

    public init(key: String = "", operator: String = "Equal", value: String = "", effect: Taint.Effect? = nil) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
    }

    /// Kubernetes `Toleration.ToleratesTaint`.
    public func tolerates(_ taint: Taint) -> Bool {
        if let effect, effect != taint.effect { return false }
        if !key.isEmpty, key != taint.key { return false }
        switch self.operator {
        case "Exists": return true
        case "Equal", "": return value == taint.value
        default: return false
        }
    }
}

/// A node `taint`: `key`, `value`, `effect`.
public struct Taint: Sendable, Hashable, Codable {
    public enum Effect: String, Sendable, Hashable, Codable {
        case noSchedule = "NoSchedule", preferNoSchedule = "PreferNoSchedule", noExecute = "NoExecute"
    }

    public var key: String
    public var value: String
    public var effect: Effect

    public init(key: String, value: String = "", effect: Effect) {
        self.key = key
        self.value = value
        self.effect = effect
    }
}
