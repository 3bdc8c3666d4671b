import XArchContent
import XArchModel

/// What `xarch resolve` reports: the stable `--format json` schema (documented in the README).
public struct ResolveReport: Codable, Sendable {
    public var reference: String
    /// The platform asked for, normalized.
    public var platform: String
    /// `only` (containerd's default: compatible variants accepted) or `strict`.
    public var matcher: String
    /// Digest of the root (index or image).
    public var digest: String
    public var mediaType: String
    /// The manifest a host of `platform` would pull; nil when nothing matches.
    public var selected: Selected?
    /// Every entry considered, in index order (one entry when the root is an image).
    public var candidates: [PlatformSelection.Candidate]
    /// Attestation entries of the index, which are never platforms.
    public var attestations: Int
    /// The platforms that exist, for the no-match message.
    public var available: [String]

    public struct Selected: Codable, Sendable {
        public var digest: String
        public var mediaType: String
        public var size: Int64
        public var platform: String
    }
}

/// `xarch resolve`: the digest a host of a platform would pull, ranked as containerd ranks.
public enum Resolution {
    public static func resolve(_ location: ImageLocation, platform requested: Platform,
                               strict: Bool, resolver: any StoreResolving) async throws -> ResolveReport {
        let image = try resolver.open(location)
        let root = try await image.root()
        let requested = requested.normalized
        let matcher: PlatformMatcher = strict ? .onlyStrict(requested) : .only(requested)
        let selection: PlatformSelection
        var attestations = 0
        switch root.content {
        case .index(let index):
            let entries = IndexEntries(index)
            attestations = index.manifests.count - entries.platforms.count
            var fromConfig: [Digest: Platform] = [:]
            for entry in entries.platforms where PlatformSource.needsConfig(entry.descriptor) {
                if let manifest = try await image.child(entry.descriptor).image {
                    fromConfig[entry.descriptor.digest] = try await image.config(of: manifest).platform
                }
            }
            selection = PlatformSelection(entries: entries.platforms, configPlatforms: fromConfig,
                                          requested: requested, matcher: matcher)
        case .image(let manifest):
            let config = try await image.config(of: manifest)
            let entry = IndexEntries.Entry(position: 0, descriptor: root.descriptor)
            selection = PlatformSelection(entries: [entry], configPlatforms: [root.digest: config.platform],
                                          requested: requested, matcher: matcher)
        }
        let available = selection.candidates.compactMap { $0.platform?.formatted }
        let selected = selection.chosen.map {
            ResolveReport.Selected(digest: $0.descriptor.digest.description, mediaType: $0.descriptor.mediaType.rawValue,
                                   size: $0.descriptor.size, platform: $0.platform?.formatted ?? "unknown")
        }
        return ResolveReport(reference: location.description, platform: requested.formatted,
                             matcher: strict ? "strict" : "only", digest: root.digest.description,
                             mediaType: root.mediaType.rawValue, selected: selected,
                             candidates: selection.candidates, attestations: attestations, available: available)
    }

    /// The error for a resolve that found nothing: the `exec format error`, predicted before deploy.
    public static func noMatch(_ report: ResolveReport) -> XArchError {
        let have = report.available.isEmpty ? "no platforms at all" : report.available.joined(separator: ", ")
        return XArchError(.checkFailed, "\(report.reference) has no image for \(report.platform) (it has: \(have)); a \(report.platform) host would fail with `exec format error` or `no matching manifest`")
    }
}
