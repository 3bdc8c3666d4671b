import XArchModel
import Yams

/// The fix `xarch audit --fix` prints for a workload whose images lack platforms of nodes it can land
/// on: a required `nodeAffinity` (Kubernetes core/v1 `NodeAffinity`,
/// `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`) restricting it to the node
/// architectures (`kubernetes.io/arch`, and `kubernetes.io/os` when the nodes run several operating
/// systems) whose every node runs all its images.
///
/// The patch is a strategic merge patch (`kubectl patch --patch-file`, a kustomize `patches:` entry):
/// `nodeSelectorTerms` has no merge key and is replaced whole, so each term the workload already has is
/// kept, with the new expressions ANDed into it.
public struct AffinityPatch: Sendable, Hashable {
    public var file: String
    public var line: Int
    /// `Kind/name` of the workload.
    public var workload: String
    /// The node selector terms after the patch.
    public var terms: [NodeSelectorTerm]
    /// `kubernetes.io/arch in (amd64)`, for messages.
    public var summary: String
    /// The patch document.
    public var yaml: String

    /// The patch for `workload`, which can land on `landing` and runs on `running` (a subset); nil for a
    /// compose service, when it runs nowhere, or when it runs everywhere it can land.
    public init?(_ workload: Workload, landing: [ClusterNode], running: [ClusterNode]) {
        guard !workload.isComposeService, let path = KubernetesObjects.podSpecPaths[workload.kind],
              !running.isEmpty, running.count < landing.count else { return nil }
        // An (os, arch) pair is kept when every node of it that the workload can land on runs it:
        // Kubernetes labels no CPU variant, so the affinity cannot tell arm/v6 from arm/v7 nodes.
        func pair(_ node: ClusterNode) -> [String] { [node.platform.os, node.platform.architecture] }
        let failing = Set(landing.filter { !running.contains($0) }.map(pair))
        var kept: [[String]] = []
        for node in running where !failing.contains(pair(node)) && !kept.contains(pair(node)) { kept.append(pair(node)) }
        guard !kept.isEmpty else { return nil }
        let severalOS = Set(landing.map(\.platform.os)).count > 1
        var added: [NodeSelectorTerm] = []
        for os in kept.map({ $0[0] }).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
            var expressions = [NodeSelectorRequirement(key: ClusterNode.LabelKey.arch, operator: .in,
                                                       values: kept.filter { $0[0] == os }.map { $0[1] })]
            if severalOS { expressions.append(NodeSelectorRequirement(key: ClusterNode.LabelKey.os, operator: .in, values: [os])) }
            added.append(NodeSelectorTerm(matchExpressions: expressions))
        }
        let existing = workload.scheduling.requiredTerms
        terms = existing.isEmpty ? added : existing.flatMap { term in
            added.map { NodeSelectorTerm(matchExpressions: term.matchExpressions + $0.matchExpressions) }
        }
        file = workload.file
        line = workload.line
        self.workload = workload.displayName
        summary = added.map { term in
            term.matchExpressions.map { "\($0.key) in (\($0.values.joined(separator: ", ")))" }.joined(separator: " and ")
        }.joined(separator: " or ")
        yaml = Self.document(workload, podSpecPath: path, terms: terms)
    }

    /// The patch as one YAML document (without `---`).
    static func document(_ workload: Workload, podSpecPath: [String], terms: [NodeSelectorTerm]) -> String {
        let termNodes: [Node] = terms.map { term in
            ["matchExpressions": Node(term.matchExpressions.map { expression in
                var pairs: [(Node, Node)] = [("key", Node(expression.key)), ("operator", Node(expression.operator.rawValue))]
                if !expression.values.isEmpty { pairs.append(("values", Node(expression.values.map { Node($0) }))) }
                return Node(pairs)
            })]
        }
        let affinity: Node = ["affinity": ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution":
            ["nodeSelectorTerms": Node(termNodes)]]]]
        let spec = podSpecPath.reversed().reduce(affinity) { inner, key in Node([(Node(key), inner)]) }
        var metadata: [(Node, Node)] = [("name", Node(workload.name))]
        if let namespace = workload.namespace { metadata.append(("namespace", Node(namespace))) }
        var root: [(Node, Node)] = []
        if let apiVersion = workload.apiVersion { root.append(("apiVersion", Node(apiVersion))) }
        root += [("kind", Node(workload.kind)), ("metadata", Node(metadata))]
        if case .mapping(let mapping) = spec { root += mapping.map { ($0.key, $0.value) } }
        return (try? Yams.serialize(node: Node(root), indent: 2, sortKeys: false)) ?? ""
    }

    /// Every patch as a multi-document YAML stream, each document headed by a comment naming the
    /// workload and its file.
    public static func stream(_ patches: [AffinityPatch]) -> String {
        patches.map { "# \($0.file):\($0.line) \($0.workload): \($0.summary)\n---\n\($0.yaml)" }.joined()
    }
}
