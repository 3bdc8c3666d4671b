/// A content descriptor: what a manifest or index says about one piece of content
/// (OCI image spec, descriptor.md: `mediaType`, `digest`, `size`, `urls`, `annotations`, `data`,
/// `artifactType`; image-index.md adds `platform`). Unknown fields survive a round trip.
public struct Descriptor: Hashable, Sendable, Codable {
    public var mediaType: MediaType
    public var digest: Digest
    public var size: Int64
    public var urls: [String]?
    public var annotations: [String: String]?
    /// Embedded content, base64 (descriptor.md, "Embedded content").
    public var data: String?
    public var artifactType: MediaType?
    public var platform: Platform?
    /// Fields this version of xarch does not model, kept as they were.
    public var unknownFields: [String: JSONValue]

    public init(mediaType: MediaType, digest: Digest, size: Int64, urls: [String]? = nil,
                annotations: [String: String]? = nil, data: String? = nil, artifactType: MediaType? = nil,
                platform: Platform? = nil, unknownFields: [String: JSONValue] = [:]) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.urls = urls
        self.annotations = annotations
        self.data = data
        self.artifactType = artifactType
        self.platform = platform
        self.unknownFields = unknownFields
    }

    /// The descriptor of `bytes` as content of `mediaType`.
    public init(mediaType: MediaType, bytes: [UInt8]) {
        self.init(mediaType: mediaType, digest: .of(bytes), size: Int64(bytes.count))
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mediaType, digest, size, urls, annotations, data, artifactType, platform
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mediaType = try c.decode(MediaType.self, forKey: .mediaType)
        digest = try c.decode(Digest.self, forKey: .digest)
        size = try c.decode(Int64.self, forKey: .size)
        guard size >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .size, in: c, debugDescription: "size must not be negative")
        }
        urls = try c.decodeIfPresent([String].self, forKey: .urls)
        annotations = try c.decodeIfPresent([String: String].self, forKey: .annotations)
        data = try c.decodeIfPresent(String.self, forKey: .data)
        artifactType = try c.decodeIfPresent(MediaType.self, forKey: .artifactType)
        platform = try c.decodeIfPresent(Platform.self, forKey: .platform)
        unknownFields = try decoder.unknownFields(known: Set(CodingKeys.allCases.map(\.rawValue)))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mediaType, forKey: .mediaType)
        try c.encode(digest, forKey: .digest)
        try c.encode(size, forKey: .size)
        try c.encodeIfPresent(urls, forKey: .urls)
        try c.encodeIfPresent(annotations, forKey: .annotations)
        try c.encodeIfPresent(data, forKey: .data)
        try c.encodeIfPresent(artifactType, forKey: .artifactType)
        try c.encodeIfPresent(platform, forKey: .platform)
        try encoder.encodeUnknownFields(unknownFields)
    }
}

/// Annotation keys xarch reads (OCI image spec, annotations.md; Docker BuildKit attestations).
public enum AnnotationKey {
    public static let refName = "org.opencontainers.image.ref.name"
    public static let created = "org.opencontainers.image.created"
    public static let source = "org.opencontainers.image.source"
    public static let revision = "org.opencontainers.image.revision"
    public static let version = "org.opencontainers.image.version"
    /// BuildKit: `attestation-manifest` on attestation entries of an index.
    public static let dockerReferenceType = "vnd.docker.reference.type"
    /// BuildKit: the digest of the manifest an attestation describes.
    public static let dockerReferenceDigest = "vnd.docker.reference.digest"
}
