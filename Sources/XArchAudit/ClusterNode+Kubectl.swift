import Yams
import XArchModel

extension ClusterNode {
    /// The nodes of a `kubectl get nodes -o json` (or `-o yaml`) dump: a `List` (or `NodeList`) of
    /// `Node` objects, or a single `Node`. The platform is read from the labels `kubernetes.io/os` and
    /// `kubernetes.io/arch` (the `beta.` forms as a fallback), else from `status.nodeInfo`
    /// (`operatingSystem`, `architecture`); Kubernetes records no CPU variant, so `arm` is taken as
    /// containerd takes it, `arm/v7`. Labels and `spec.taints` are kept for scheduling.
    public static func fromKubectl(_ text: String, file: String) throws -> [ClusterNode] {
        var nodes: [ClusterNode] = []
        for document in try YAMLInput.documents(text, file: file) {
            let kind = YAMLInput.string(YAMLInput.value(document, "kind")) ?? ""
            let objects = kind.hasSuffix("List") ? YAMLInput.items(YAMLInput.value(document, "items")) : [document]
            for object in objects where YAMLInput.string(YAMLInput.value(object, "kind")) ?? "Node" == "Node" {
                nodes.append(try node(object, file: file))
            }
        }
        guard !nodes.isEmpty else {
            throw XArchError(.invalidInput, "\(file) holds no nodes: give the output of `kubectl get nodes -o json`")
        }
        return nodes
    }

    static func node(_ object: Yams.Node, file: String) throws -> ClusterNode {
        let metadata = YAMLInput.value(object, "metadata")
        let name = YAMLInput.string(YAMLInput.value(metadata, "name")) ?? "(unnamed)"
        let labels = YAMLInput.stringMap(YAMLInput.value(metadata, "labels"))
        let info = YAMLInput.value(object, path: ["status", "nodeInfo"])
        let os = labels[LabelKey.os] ?? labels[LabelKey.betaOS] ?? YAMLInput.string(YAMLInput.value(info, "operatingSystem"))
        let arch = labels[LabelKey.arch] ?? labels[LabelKey.betaArch] ?? YAMLInput.string(YAMLInput.value(info, "architecture"))
        guard let os, let arch, !os.isEmpty, !arch.isEmpty else {
            let line = YAMLInput.position(object).line
            throw XArchError(.invalidInput, "\(file):\(line): node \(name) has neither the kubernetes.io/os and kubernetes.io/arch labels nor status.nodeInfo: give the output of `kubectl get nodes -o json`")
        }
        let taints = YAMLInput.items(YAMLInput.value(object, path: ["spec", "taints"])).compactMap { taint -> Taint? in
            guard let key = YAMLInput.string(YAMLInput.value(taint, "key")),
                  let effect = YAMLInput.string(YAMLInput.value(taint, "effect")).flatMap(Taint.Effect.init) else { return nil }
            return Taint(key: key, value: YAMLInput.string(YAMLInput.value(taint, "value")) ?? "", effect: effect)
        }
        // The kubelet sets the platform labels itself; a dump without them still schedules by them.
        let platform = Platform(os: os, architecture: arch)
        let all = labels.merging(ClusterNode.platformLabels(platform)) { own, _ in own }
        return ClusterNode(name: name, platform: platform, labels: all, taints: taints)
    }
}
