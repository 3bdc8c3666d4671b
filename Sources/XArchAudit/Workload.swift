import XArchModel

/// Something that runs containers somewhere: a Kubernetes object with a pod template, or a compose
/// service. Read from a file with the position of every `image:` field.
public struct Workload: Sendable, Hashable, Codable {
    /// The file as given (`-` is standard input).
    public var file: String
    /// Line of the object (its `kind:`) or of the compose service's key.
    public var line: Int
    /// The Kubernetes `kind` (`Deployment`, `CronJob`, …) or `service` for a compose service.
    public var kind: String
    /// `metadata.namespace`, when the object names one.
    public var namespace: String?
    /// `metadata.name` (`generateName` when there is no name), or the compose service's name.
    public var name: String
    /// The `apiVersion` of a Kubernetes object (for the `--fix` patch); nil for compose.
    public var apiVersion: String?
    /// Every container of the pod template, or the service's one.
    public var containers: [Container]
    /// Where it may run.
    public var scheduling: Scheduling

    public init(file: String, line: Int, kind: String, namespace: String? = nil, name: String,
                apiVersion: String? = nil, containers: [Container], scheduling: Scheduling = .init()) {
        self.file = file
        self.line = line
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.apiVersion = apiVersion
        self.containers = containers
        self.scheduling = scheduling
    }

    /// Whether this is a compose service rather than a Kubernetes object.
    public var isComposeService: Bool { kind == Self.composeKind }

    /// The `kind` of compose services.
    public static let composeKind = "service"

    /// `Kind/name`, with the namespace first when there is one: `prod/Deployment/web`.
    public var displayName: String {
        (namespace.map { "\($0)/" } ?? "") + "\(kind)/\(name)"
    }

    /// One container (Kubernetes PodSpec `containers`, `initContainers`, `ephemeralContainers`) or a
    /// compose service's image.
    public struct Container: Sendable, Hashable, Codable {
        /// Which list of the pod spec it is in.
        public enum Role: String, Sendable, Hashable, Codable {
            case container, initContainer, ephemeralContainer, service
        }

        /// The container's `name` (the service's name for compose).
        public var name: String
        public var role: Role
        /// The `image` as written (after compose interpolation); nil when there is none (a compose
        /// service with only `build:`).
        public var image: String?
        /// Position of the `image:` field (of the service when it has none).
        public var line: Int
        public var column: Int

        public init(name: String, role: Role, image: String?, line: Int, column: Int) {
            self.name = name
            self.role = role
            self.image = image
            self.line = line
            self.column = column
        }
    }
}
