import XArchContent
import XArchModel

extension InspectReport {
    /// A referrer of a manifest (distribution-spec spec.md, "Listing Referrers"): a signature, SBOM or
    /// attestation whose `subject` is that manifest, as the store lists it, with its own referrers.
    public struct Referrer: Codable, Sendable {
        public var artifactType: String?
        public var digest: String
        public var mediaType: String
        public var size: Int64
        public var annotations: [String: String]?
        /// Referrers of this referrer (a signature of an SBOM), up to `Inspection.referrerDepth` levels.
        public var referrers: [Referrer]?
    }
}

extension Inspection {
    /// Levels of referrers of referrers listed.
    public static let referrerDepth = 4

    /// `inspect(_:resolver:)`, with the referrers of the root and of each platform entry
    /// (`InspectReport.referrers`, `PlatformEntry.referrers`) when `referrers` is true.
    public static func inspect(_ location: ImageLocation, resolver: any StoreResolving,
                               referrers: Bool) async throws -> (InspectReport, ManifestDocument) {
        var (report, root) = try await inspect(location, resolver: resolver)
        guard referrers else { return (report, root) }
        let source = try resolver.open(location).source
        guard let listing = source as? any ReferrersListing else {
            throw XArchError(.unsupported, "\(location) cannot list referrers; inspect it without --referrers")
        }
        report.referrers = try await Self.referrers(of: root.digest, in: listing, depth: 1)
        if var platforms = report.platforms {
            for i in platforms.indices {
                let digest = try Digest(parsing: platforms[i].digest)
                platforms[i].referrers = try await Self.referrers(of: digest, in: listing, depth: 1)
            }
            report.platforms = platforms
        }
        return (report, root)
    }

    /// The referrers of `digest` and, below `referrerDepth`, theirs.
    static func referrers(of digest: Digest, in listing: any ReferrersListing, depth: Int) async throws -> [InspectReport.Referrer] {
        var rows: [InspectReport.Referrer] = []
        for d in try await listing.referrers(of: digest) {
            let nested = depth < referrerDepth ? try await referrers(of: d.digest, in: listing, depth: depth + 1) : []
            rows.append(.init(artifactType: d.artifactType?.rawValue, digest: d.digest.description,
                              mediaType: d.mediaType.rawValue, size: d.size, annotations: d.annotations,
                              referrers: nested.isEmpty ? nil : nested))
        }
        return rows
    }
}
