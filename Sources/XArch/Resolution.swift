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
        let offered = try await platforms(of: image)
        return report(location, offered: offered, platform: requested, strict: strict)
    }

    /// What `image` offers a platform matcher, read once: one GET of the root manifest, plus one config
    /// GET for the image manifest itself or for each index entry whose descriptor names no platform.
    public static func platforms(of image: OpenedImage) async throws -> ImagePlatforms {
        try await image.platforms()
    }

    /// The report for a host of `requested`, judged from what the image offers.
    public static func report(_ location: ImageLocation, offered: ImagePlatforms, platform requested: Platform,
                              strict: Bool) -> ResolveReport {
        let selection = offered.selection(for: requested, strict: strict)
        let available = selection.candidates.compactMap { $0.platform?.formatted }
        let selected = selection.chosen.map {
            ResolveReport.Selected(digest: $0.descriptor.digest.description, mediaType: $0.descriptor.mediaType.rawValue,
                                   size: $0.descriptor.size, platform: $0.platform?.formatted ?? "unknown")
        }
        return ResolveReport(reference: location.description, platform: requested.normalized.formatted,
                             matcher: strict ? "strict" : "only", digest: offered.root.digest.description,
                             mediaType: offered.root.mediaType.rawValue, selected: selected,
                             candidates: selection.candidates, attestations: offered.attestations, available: available)
    }

    /// The error for a resolve that found nothing: the `exec format error`, predicted before deploy.
    public static func noMatch(_ report: ResolveReport) -> XArchError {
        let have = report.available.isEmpty ? "no platforms at all" : report.available.joined(separator: ", ")
        return XArchError(.checkFailed, "\(report.reference) has no image for \(report.platform) (it has: \(have)); a \(report.platform) host would fail with `exec format error` or `no matching manifest`")
    }
}
