import XArchModel

/// What looking an image reference up gave: the platforms it offers, or why it could not be looked up.
public enum ImageLookup: Sendable, Hashable {
    /// The image (index or manifest) and what it offers a platform matcher.
    case found(ImagePlatforms)
    /// Not found, not a valid reference, refused by the registry, …: one sentence saying why.
    case unknown(String)
    /// The registry could not be reached (network, TLS, temporarily unavailable): nothing is known about
    /// the image, and the audit is incomplete.
    case unreachable(String)
}

/// The `images` of the audit report: each distinct reference once.
public struct AuditImage: Sendable, Hashable, Codable {
    /// The reference as the manifests write it.
    public var reference: String
    /// The digest and media type of its root (index or image manifest), when it was found.
    public var digest: String?
    public var mediaType: String?
    /// The platforms it offers (attestations excluded), in index order.
    public var platforms: [String]
    /// Why it could not be looked up.
    public var error: String?
    /// True when that was because its registry could not be reached (the audit is incomplete: exit 1).
    public var unreachable: Bool?

    public init(reference: String, lookup: ImageLookup) {
        self.reference = reference
        switch lookup {
        case .found(let offered):
            digest = offered.root.digest.description
            mediaType = offered.root.mediaType.rawValue
            platforms = offered.platforms.map(\.formatted)
        case .unknown(let reason):
            platforms = []
            error = reason
        case .unreachable(let reason):
            platforms = []
            error = reason
            unreachable = true
        }
    }
}
