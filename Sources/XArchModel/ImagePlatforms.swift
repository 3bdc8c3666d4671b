/// What an image offers to a platform matcher, read once: its root (index or image manifest), the
/// platform entries of an index (attestations apart, `IndexEntries`) or the image itself as one entry,
/// and the platforms read from configs for entries whose descriptor names none (OCI image-index.md:
/// `platform` is optional).
///
/// `xarch resolve` judges one requested platform against it; `xarch audit` judges every node platform
/// against the same value, so an image is looked up once however many nodes ask. The judging is
/// `PlatformSelection`, containerd's rules.
public struct ImagePlatforms: Sendable, Hashable {
    /// The root's descriptor (media type, digest, size).
    public let root: Descriptor
    /// Whether the root is an index.
    public let isIndex: Bool
    /// The platform entries, in index order; for an image manifest, the root itself at position 0.
    public let entries: [IndexEntries.Entry]
    /// The platform read from the config of entries whose descriptor has none.
    public let configPlatforms: [Digest: Platform]
    /// How many attestation entries the index has (never platforms).
    public let attestations: Int

    /// An index: its platform entries and the config platforms read for those without one.
    public init(index root: Descriptor, entries: IndexEntries, configPlatforms: [Digest: Platform], total: Int) {
        self.root = root
        self.isIndex = true
        self.entries = entries.platforms
        self.configPlatforms = configPlatforms
        self.attestations = total - entries.platforms.count
    }

    /// An image manifest: one entry, whose platform is its config's (image-spec config.md `os`,
    /// `architecture`, `variant`).
    public init(image root: Descriptor, configPlatform: Platform) {
        self.root = root
        self.isIndex = false
        self.entries = [IndexEntries.Entry(position: 0, descriptor: root)]
        self.configPlatforms = [root.digest: configPlatform]
        self.attestations = 0
    }

    /// Every entry judged for a host of `requested`: containerd's `Only` (compatible variants accepted,
    /// an arm64 host runs arm/v7) or, when `strict`, `OnlyStrict`.
    public func selection(for requested: Platform, strict: Bool = false) -> PlatformSelection {
        let requested = requested.normalized
        return PlatformSelection(entries: entries, configPlatforms: configPlatforms, requested: requested,
                                 matcher: strict ? .onlyStrict(requested) : .only(requested))
    }

    /// The platforms the image offers, in entry order (entries whose platform is unknown left out).
    public var platforms: [Platform] {
        entries.compactMap { PlatformSource.platform(of: $0.descriptor, config: configPlatforms[$0.descriptor.digest]).0 }
    }
}
