import XArchModel
import Yams

/// The workloads of one input file, whatever it holds: Kubernetes manifests (`KubernetesObjects`) or a
/// compose file (`ComposeFile`), told apart per document. Documents of other shapes (Helm values,
/// `package.json`) hold no workloads; a document that is a bare scalar is not a manifest at all.
public enum AuditSources {
    /// The workloads of `text`, read from `file`; `compose` interpolates compose files.
    /// - Throws: `XArchError` `.invalidInput` naming the file and line when it is not YAML, a document
    ///   is a bare scalar, or a compose variable is required and unset.
    public static func workloads(in text: String, file: String, compose: ComposeInterpolation) throws -> [Workload] {
        var workloads: [Workload] = []
        for document in try YAMLInput.documents(text, file: file) {
            switch document {
            case .scalar:
                let line = YAMLInput.position(document).line
                throw XArchError(.invalidInput, "\(file):\(line): not a Kubernetes manifest or compose file (a document that is a bare value); \(YAMLInput.hint(text))")
            case .mapping where ComposeFile.isCompose(document):
                workloads += try ComposeFile.workloads(document, file: file, interpolation: compose)
            default:
                workloads += KubernetesObjects.workloads(document, file: file)
            }
        }
        return workloads
    }

    /// The nodes of `--nodes P,…`: one per platform, known by its os and arch labels only.
    public static func nodes(platforms: [Platform]) -> [ClusterNode] {
        var seen = Set<Platform>()
        return platforms.map(\.normalized).filter { seen.insert($0).inserted }.map(ClusterNode.init(platform:))
    }
}
