import XArchModel
import Yams

/// The services of a compose file (compose-spec, "Services top-level element"): each service's
/// `image` and `platform`, interpolated (`ComposeInterpolation`), with anchors and merge keys as YAML
/// has them. A service with only `build:` has no image to check (`Workload.Container.image` nil).
enum ComposeFile {
    /// Whether a document is a compose file: a mapping with a `services` mapping and no Kubernetes `kind`.
    static func isCompose(_ document: Node) -> Bool {
        guard YAMLInput.value(document, "kind") == nil, case .mapping = YAMLInput.value(document, "services") else { return false }
        return true
    }

    /// One workload per service, in file order.
    static func workloads(_ document: Node, file: String, interpolation: ComposeInterpolation) throws -> [Workload] {
        try YAMLInput.pairs(YAMLInput.value(document, "services")).map { service in
            let (serviceLine, serviceColumn) = YAMLInput.position(service.keyNode)
            var container = Workload.Container(name: service.key, role: .service, image: nil,
                                               line: serviceLine, column: serviceColumn)
            if let (keyNode, value) = YAMLInput.field(service.value, "image") {
                (container.line, container.column) = YAMLInput.position(keyNode)
                container.image = try YAMLInput.string(value).map { try interpolate($0, interpolation, file: file, at: keyNode) }
            }
            var scheduling = Scheduling()
            if let (keyNode, value) = YAMLInput.field(service.value, "platform"), let text = YAMLInput.string(value) {
                let platform = try interpolate(text, interpolation, file: file, at: keyNode)
                do {
                    scheduling.platform = try Platform(parsing: platform)
                } catch {
                    throw XArchError(.invalidInput, "\(file):\(YAMLInput.position(keyNode).line): service \(service.key) has platform \"\(platform)\", which is not a platform (os/arch[/variant])")
                }
            }
            return Workload(file: file, line: serviceLine, kind: Workload.composeKind, name: service.key,
                            containers: [container], scheduling: scheduling)
        }
    }

    static func interpolate(_ text: String, _ interpolation: ComposeInterpolation, file: String, at node: Node) throws -> String {
        do {
            return try interpolation.interpolate(text)
        } catch {
            throw XArchError(.invalidInput, "\(file):\(YAMLInput.position(node).line): \(error.message)")
        }
    }
}
