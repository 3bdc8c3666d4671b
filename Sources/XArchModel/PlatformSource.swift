/// Where the platform of an index entry was read (OCI image-index.md: an entry's `platform` is
/// optional; without it, the platform is the one its image config declares, config.md `os` and
/// `architecture`). Encoded in JSON as `descriptor`, `config` or `none`.
public enum PlatformSource: String, Sendable, Hashable, Codable {
    /// The descriptor in the index names the platform.
    case descriptor
    /// The descriptor has none; the image config of the manifest it points to does.
    case config
    /// Neither is known (an artifact, or a config that could not be read).
    case none

    /// The platform an index entry stands for, and where it came from: the descriptor's own platform,
    /// else `configPlatform` (pass nil when the config was not read or declares none). This is the one
    /// place that rule is decided.
    public static func platform(of descriptor: Descriptor, config configPlatform: Platform?) -> (Platform?, PlatformSource) {
        if let own = descriptor.platform { return (own, .descriptor) }
        if let configPlatform { return (configPlatform, .config) }
        return (nil, .none)
    }

    /// Whether reading the entry's config could tell its platform: an image manifest without a
    /// platform in its descriptor.
    public static func needsConfig(_ descriptor: Descriptor) -> Bool {
        descriptor.platform == nil && descriptor.mediaType.essence.isImageManifest
    }
}
