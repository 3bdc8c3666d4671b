/// An image configuration: OCI image spec config.md ("Properties"), which Docker's
/// `application/vnd.docker.container.image.v1+json` shares. Every field of the spec is modelled;
/// fields the spec does not name (Docker's `container`, `docker_version`, …) survive a round trip.
public struct ImageConfig: Hashable, Sendable, Codable {
    public var created: String?
    public var author: String?
    public var architecture: String
    public var os: String
    public var osVersion: String?
    public var osFeatures: [String]?
    public var variant: String?
    public var config: ContainerConfig?
    public var rootfs: RootFS
    public var history: [History]?
    public var unknownFields: [String: JSONValue]

    public init(architecture: String, os: String, variant: String? = nil, osVersion: String? = nil,
                osFeatures: [String]? = nil, created: String? = nil, author: String? = nil,
                config: ContainerConfig? = nil, rootfs: RootFS = RootFS(diffIDs: []),
                history: [History]? = nil, unknownFields: [String: JSONValue] = [:]) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
        self.osVersion = osVersion
        self.osFeatures = osFeatures
        self.created = created
        self.author = author
        self.config = config
        self.rootfs = rootfs
        self.history = history
        self.unknownFields = unknownFields
    }

    /// The platform this config declares.
    public var platform: Platform {
        Platform(os: os, architecture: architecture, variant: variant ?? "", osVersion: osVersion ?? "",
                 osFeatures: osFeatures ?? [])
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case created, author, architecture, os, variant, config, rootfs, history
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        created = try c.decodeIfPresent(String.self, forKey: .created)
        author = try c.decodeIfPresent(String.self, forKey: .author)
        architecture = try c.decodeIfPresent(String.self, forKey: .architecture) ?? ""
        os = try c.decodeIfPresent(String.self, forKey: .os) ?? ""
        osVersion = try c.decodeIfPresent(String.self, forKey: .osVersion)
        osFeatures = try c.decodeIfPresent([String].self, forKey: .osFeatures)
        variant = try c.decodeIfPresent(String.self, forKey: .variant)
        config = try c.decodeIfPresent(ContainerConfig.self, forKey: .config)
        rootfs = try c.decodeIfPresent(RootFS.self, forKey: .rootfs) ?? RootFS(diffIDs: [])
        history = try c.decodeIfPresent([History].self, forKey: .history)
        unknownFields = try decoder.unknownFields(known: Set(CodingKeys.allCases.map(\.rawValue)))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(created, forKey: .created)
        try c.encodeIfPresent(author, forKey: .author)
        try c.encode(architecture, forKey: .architecture)
        try c.encode(os, forKey: .os)
        try c.encodeIfPresent(osVersion, forKey: .osVersion)
        try c.encodeIfPresent(osFeatures, forKey: .osFeatures)
        try c.encodeIfPresent(variant, forKey: .variant)
        try c.encodeIfPresent(config, forKey: .config)
        try c.encode(rootfs, forKey: .rootfs)
        try c.encodeIfPresent(history, forKey: .history)
        try encoder.encodeUnknownFields(unknownFields)
    }

    /// `rootfs` (config.md): the layer diff IDs in order. Unknown fields survive a round trip.
    public struct RootFS: Hashable, Sendable, Codable {
        public var type: String
        public var diffIDs: [Digest]
        public var unknownFields: [String: JSONValue]
        public init(type: String = "layers", diffIDs: [Digest], unknownFields: [String: JSONValue] = [:]) {
            self.type = type; self.diffIDs = diffIDs; self.unknownFields = unknownFields
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case type; case diffIDs = "diff_ids" }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeIfPresent(String.self, forKey: .type) ?? "layers"
            diffIDs = try c.decodeIfPresent([Digest].self, forKey: .diffIDs) ?? []
            unknownFields = try decoder.unknownFields(known: Set(CodingKeys.allCases.map(\.rawValue)))
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(type, forKey: .type)
            try c.encode(diffIDs, forKey: .diffIDs)
            try encoder.encodeUnknownFields(unknownFields)
        }
    }

    /// One `history` entry (config.md). Unknown fields survive a round trip.
    public struct History: Hashable, Sendable, Codable {
        public var created: String?
        public var createdBy: String?
        public var author: String?
        public var comment: String?
        public var emptyLayer: Bool?
        public var unknownFields: [String: JSONValue]
        public init(created: String? = nil, createdBy: String? = nil, author: String? = nil,
                    comment: String? = nil, emptyLayer: Bool? = nil, unknownFields: [String: JSONValue] = [:]) {
            self.created = created; self.createdBy = createdBy; self.author = author
            self.comment = comment; self.emptyLayer = emptyLayer; self.unknownFields = unknownFields
        }
        enum CodingKeys: String, CodingKey, CaseIterable {
            case created, author, comment
            case createdBy = "created_by"
            case emptyLayer = "empty_layer"
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            created = try c.decodeIfPresent(String.self, forKey: .created)
            createdBy = try c.decodeIfPresent(String.self, forKey: .createdBy)
            author = try c.decodeIfPresent(String.self, forKey: .author)
            comment = try c.decodeIfPresent(String.self, forKey: .comment)
            emptyLayer = try c.decodeIfPresent(Bool.self, forKey: .emptyLayer)
            unknownFields = try decoder.unknownFields(known: Set(CodingKeys.allCases.map(\.rawValue)))
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(created, forKey: .created)
            try c.encodeIfPresent(createdBy, forKey: .createdBy)
            try c.encodeIfPresent(author, forKey: .author)
            try c.encodeIfPresent(comment, forKey: .comment)
            try c.encodeIfPresent(emptyLayer, forKey: .emptyLayer)
            try encoder.encodeUnknownFields(unknownFields)
        }
    }
}
