import XArchContent
import XArchModel

/// What `xarch inspect` reports: the stable `--format json` schema (documented in the README).
public struct InspectReport: Codable, Sendable {
    public var reference: String
    public var mediaType: String
    public var digest: String
    public var size: Int64
    /// `index` or `image`.
    public var kind: String
    public var annotations: [String: String]?
    /// For an index: its platform entries, in index order.
    public var platforms: [PlatformEntry]?
    /// For an index: attestation entries that describe no entry of this index.
    public var orphanAttestations: [Entry]?
    /// For an image: what its config and layers say.
    public var image: ImageSummary?
    /// With `--referrers`: the manifests whose `subject` is the root (see `Inspection+Referrers`).
    public var referrers: [Referrer]?

    /// A descriptor in the report.
    public struct Entry: Codable, Sendable {
        public var mediaType: String
        public var digest: String
        public var size: Int64
    }

    /// One platform entry of an index, with the attestations that describe it.
    public struct PlatformEntry: Codable, Sendable {
        /// `os/arch[/variant]`, or `unknown` when neither descriptor nor config says.
        public var platform: String
        public var platformDetail: Platform?
        /// `descriptor` or `config` (the descriptor had no platform, its config was read).
        public var platformSource: PlatformSource
        public var mediaType: String
        public var digest: String
        public var size: Int64
        public var annotations: [String: String]?
        public var attestations: [Entry]
        /// With `--referrers`: the manifests whose `subject` is this entry.
        public var referrers: [Referrer]?
    }

    /// An image manifest's summary.
    public struct ImageSummary: Codable, Sendable {
        public var platform: String
        public var platformDetail: Platform
        public var configDigest: String
        public var layers: Int
        /// Config plus layers, as stored (compressed).
        public var totalSize: Int64
    }
}

/// `xarch inspect`: media type, digest and size, every platform entry of an index with attestations
/// shown apart, or an image's config platform, layer count and total size.
public enum Inspection {
    public static func inspect(_ location: ImageLocation, resolver: any StoreResolving) async throws -> (InspectReport, ManifestDocument) {
        let image = try resolver.open(location)
        let root = try await image.root()
        var report = InspectReport(reference: location.description, mediaType: root.mediaType.rawValue,
                                   digest: root.digest.description, size: root.descriptor.size,
                                   kind: root.index != nil ? "index" : "image")
        switch root.content {
        case .index(let index):
            report.annotations = index.annotations
            let entries = IndexEntries(index)
            var rows: [InspectReport.PlatformEntry] = []
            for entry in entries.platforms {
                rows.append(try await platformEntry(entry, entries: entries, image: image))
            }
            report.platforms = rows
            report.orphanAttestations = entries.orphanAttestations.map { Self.entry($0.descriptor) }
        case .image(let manifest):
            report.annotations = manifest.annotations
            let config = try await image.config(of: manifest)
            report.image = .init(platform: config.platform.formatted, platformDetail: config.platform,
                                 configDigest: manifest.config.digest.description, layers: manifest.layers.count,
                                 totalSize: manifest.contentSize)
        }
        return (report, root)
    }

    static func platformEntry(_ entry: IndexEntries.Entry, entries: IndexEntries,
                              image: OpenedImage) async throws -> InspectReport.PlatformEntry {
        let d = entry.descriptor
        var configPlatform: Platform?
        if PlatformSource.needsConfig(d), let manifest = try await image.child(d).image {
            configPlatform = try await image.config(of: manifest).platform
        }
        let (platform, source) = PlatformSource.platform(of: d, config: configPlatform)
        return .init(platform: platform?.formatted ?? "unknown", platformDetail: platform,
                     platformSource: source, mediaType: d.mediaType.rawValue,
                     digest: d.digest.description, size: d.size, annotations: d.annotations,
                     attestations: entries.attestations(of: d.digest).map { Self.entry($0.descriptor) })
    }

    static func entry(_ d: Descriptor) -> InspectReport.Entry {
        .init(mediaType: d.mediaType.rawValue, digest: d.digest.description, size: d.size)
    }
}
