/// An image manifest: OCI image-manifest.md, or Docker image manifest v2 schema 2 (same shape).
/// Unknown fields survive a round trip.
public struct ImageManifest: Hashable, Sendable, Codable {
    public var schemaVersion: Int
    public var mediaType: MediaType?
    public var artifactType: MediaType?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var subject: Descriptor?
    public var annotations: [String: String]?
    public var unknownFields: [String: JSONValue]

    public init(schemaVersion: Int = 2, mediaType: MediaType? = .ociManifest, artifactType: MediaType? = nil,
                config: Descriptor, layers: [Descriptor], subject: Descriptor? = nil,
                annotations: [String: String]? = nil, unknownFields: [String: JSONValue] = [:]) {
        self.schemaVersion = schemaVersion
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.subject = subject
        self.annotations = annotations
        self.unknownFields = unknownFields
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schemaVersion, mediaType, artifactType, config, layers, subject, annotations
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        mediaType = try c.decodeIfPresent(MediaType.self, forKey: .mediaType)
        artifactType = try c.decodeIfPresent(MediaType.self, forKey: .artifactType)
        config = try c.decode(Descriptor.self, forKey: .config)
        layers = try c.decodeIfPresent([Descriptor].self, forKey: .layers) ?? []
        subject = try c.decodeIfPresent(Descriptor.self, forKey: .subject)
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
        unknownFields = try decoder.unknownFields(known: Set(CodingKeys.allCases.map(\.rawValue)))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encodeIfPresent(mediaType, forKey: .mediaType)
        try c.encodeIfPresent(artifactType, forKey: .artifactType)
        try c.encode(config, forKey: .config)
        try c.encode(layers, forKey: .layers)
        try c.encodeIfPresent(subject, forKey: .subject)
        try c.encodeIfPresent(annotations, forKey: .annotations)
        try encoder.encodeUnknownFields(unknownFields)
    }

    /// Total size of config and layers, as stored (compressed).
    public var contentSize: Int64 { config.size + layers.reduce(0) { $0 + $1.size } }
}

/// An image index: OCI image-index.md, or a Docker manifest list (same shape).
/// Unknown fields survive a round trip.
public struct ImageIndex: Hashable, Sendable, Codable {
    /// How deep indexes may nest below a root index (image-index.md allows an index as an entry and sets
    /// no limit): every walker of xarch — copy, verify, index assembly — stops there with an error, so a
    /// hostile chain of indexes cannot grow memory and requests without bound.
    public static let maximumNesting = 4

    public var schemaVersion: Int
    public var mediaType: MediaType?
    public var artifactType: MediaType?
    public var manifests: [Descriptor]
    public var subject: Descriptor?
    public var annotations: [String: String]?
    public var unknownFields: [String: JSONValue]

    public init(schemaVersion: Int = 2, mediaType: MediaType? = .ociIndex, artifactType: MediaType? = nil,
                manifests: [Descriptor], subject: Descriptor? = nil, annotations: [String: String]? = nil,
                unknownFields: [String: JSONValue] = [:]) {
        self.schemaVersion = schemaVersion
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.manifests = manifests
        self.subject = subject
        self.annotations = annotations
        self.unknownFields = unknownFields
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schemaVersion, mediaType, artifactType, manifests, subject, annotations
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        mediaType = try c.decodeIfPresent(MediaType.self, forKey: .mediaType)
        artifactType = try c.decodeIfPresent(MediaType.self, forKey: .artifactType)
        manifests = try c.decode([Descriptor].self, forKey: .manifests)
        subject = try c.decodeIfPresent(Descriptor.self, forKey: .subject)
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
        unknownFields = try decoder.unknownFields(known: Set(CodingKeys.allCases.map(\.rawValue)))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encodeIfPresent(mediaType, forKey: .mediaType)
        try c.encodeIfPresent(artifactType, forKey: .artifactType)
        try c.encode(manifests, forKey: .manifests)
        try c.encodeIfPresent(subject, forKey: .subject)
        try c.encodeIfPresent(annotations, forKey: .annotations)
        try encoder.encodeUnknownFields(unknownFields)
    }
}
