import XArchModel
import Yams

/// The workloads of Kubernetes manifests as written by hand, by `helm template` and by `kustomize
/// build`: YAML or JSON, several documents, `List` kinds (`kind: List` or `…List` with `items`).
///
/// Every kind with a pod template is read — `Pod` (`spec`), `Deployment`, `ReplicaSet`,
/// `StatefulSet`, `DaemonSet`, `Job`, `ReplicationController` (`spec.template.spec`), `CronJob`
/// (`spec.jobTemplate.spec.template.spec`), `PodTemplate` (`template.spec`) — with its
/// `containers`, `initContainers` and `ephemeralContainers` (Kubernetes API, core/v1 `PodSpec`).
/// Other kinds are skipped.
enum KubernetesObjects {
    /// The path from an object to its `PodSpec`, by kind.
    static let podSpecPaths: [String: [String]] = [
        "Pod": ["spec"],
        "Deployment": ["spec", "template", "spec"],
        "ReplicaSet": ["spec", "template", "spec"],
        "StatefulSet": ["spec", "template", "spec"],
        "DaemonSet": ["spec", "template", "spec"],
        "Job": ["spec", "template", "spec"],
        "ReplicationController": ["spec", "template", "spec"],
        "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
        "PodTemplate": ["template", "spec"],
    ]

    /// The workloads of one document (a `List` expanded).
    static func workloads(_ document: Node, file: String) -> [Workload] {
        guard let kind = YAMLInput.string(YAMLInput.value(document, "kind")) else { return [] }
        if kind.hasSuffix("List"), let items = YAMLInput.value(document, "items") {
            return YAMLInput.items(items).flatMap { workloads($0, file: file) }
        }
        guard let path = podSpecPaths[kind], let spec = YAMLInput.value(document, path: path) else { return [] }
        let metadata = YAMLInput.value(document, "metadata")
        let name = YAMLInput.string(YAMLInput.value(metadata, "name"))
            ?? YAMLInput.string(YAMLInput.value(metadata, "generateName")) ?? "(unnamed)"
        let kindLine = YAMLInput.field(document, "kind").map { YAMLInput.position($0.keyNode).line }
        return [Workload(file: file, line: kindLine ?? YAMLInput.position(document).line, kind: kind,
                         namespace: YAMLInput.string(YAMLInput.value(metadata, "namespace")), name: name,
                         apiVersion: YAMLInput.string(YAMLInput.value(document, "apiVersion")),
                         containers: containers(spec), scheduling: scheduling(spec))]
    }

    /// The containers of a `PodSpec`, in the order the lists are written in Kubernetes' API.
    static func containers(_ spec: Node) -> [Workload.Container] {
        let lists: [(String, Workload.Container.Role)] = [
            ("initContainers", .initContainer), ("containers", .container), ("ephemeralContainers", .ephemeralContainer),
        ]
        return lists.flatMap { key, role in
            YAMLInput.items(YAMLInput.value(spec, key)).map { item in
                let name = YAMLInput.string(YAMLInput.value(item, "name")) ?? "(unnamed)"
                if let (keyNode, value) = YAMLInput.field(item, "image") {
                    let (line, column) = YAMLInput.position(keyNode)
                    return Workload.Container(name: name, role: role, image: YAMLInput.string(value), line: line, column: column)
                }
                let (line, column) = YAMLInput.position(item)
                return Workload.Container(name: name, role: role, image: nil, line: line, column: column)
            }
        }
    }

    /// `nodeSelector`, the required node affinity and `tolerations` of a `PodSpec`.
    static func scheduling(_ spec: Node) -> Scheduling {
        let required = YAMLInput.value(spec, path: ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"])
        let terms = YAMLInput.items(YAMLInput.value(required, "nodeSelectorTerms")).map { term in
            NodeSelectorTerm(matchExpressions: YAMLInput.items(YAMLInput.value(term, "matchExpressions")).compactMap(requirement))
        }
        let tolerations = YAMLInput.items(YAMLInput.value(spec, "tolerations")).map { item in
            Toleration(key: YAMLInput.string(YAMLInput.value(item, "key")) ?? "",
                       operator: YAMLInput.string(YAMLInput.value(item, "operator")) ?? "Equal",
                       value: YAMLInput.string(YAMLInput.value(item, "value")) ?? "",
                       effect: YAMLInput.string(YAMLInput.value(item, "effect")).flatMap(Taint.Effect.init))
        }
        return Scheduling(nodeSelector: YAMLInput.stringMap(YAMLInput.value(spec, "nodeSelector")),
                          requiredTerms: terms, tolerations: tolerations)
    }

    /// A `matchExpressions` entry; one with an operator Kubernetes does not know is left out.
    static func requirement(_ node: Node) -> NodeSelectorRequirement? {
        guard let key = YAMLInput.string(YAMLInput.value(node, "key")),
              let op = YAMLInput.string(YAMLInput.value(node, "operator")).flatMap(NodeSelectorRequirement.Operator.init)
        else { return nil }
        return NodeSelectorRequirement(key: key, operator: op,
                                       values: YAMLInput.items(YAMLInput.value(node, "values")).compactMap(YAMLInput.string))
    }
}
