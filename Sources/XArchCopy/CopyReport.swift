import XArchModel

/// What `xarch copy` reports: the stable `--format json` schema.
///
/// Counts are of distinct content (a layer shared by four platforms counts once). `digest` is the
/// source's root; the destination tag names `destinationDigest`, which differs from it only when a
/// platform filter made a reduced index (`filteredIndexDigest`).
public struct CopyReport: Codable, Sendable, Hashable {
    /// The source store (`oci:/path`, `localhost:5000/app`).
    public var source: String
    /// The source manifest as asked for: a tag or a digest.
    public var reference: String
    /// The destination store.
    public var destination: String
    /// The destination tag the root was written under.
    public var tag: String
    /// Digest and media type of the source's root (index or image).
    public var digest: String
    public var mediaType: String
    /// The digest the destination tag names after the copy.
    public var destinationDigest: String
    /// True when the destination tag already named the content to copy, so nothing was written.
    public var upToDate: Bool
    /// The platforms copied, formatted (`linux/arm/v7`), in index order: the descriptors' platforms,
    /// the configs' for entries without one when a filter had to read them, `unknown` otherwise; for a
    /// single image its config's platform. Empty when `upToDate` (nothing was read).
    public var platforms: [String]
    public var blobs: Blobs
    public var manifests: Manifests
    /// The digest of the reduced index a platform filter made (the only new content of a copy).
    public var filteredIndexDigest: String?
    /// Digests of non-distributable (foreign) layers with `urls`, which are left where the URLs say,
    /// as skopeo and crane do by default.
    public var nonDistributableSkipped: [String]
    /// Requests sent during the copy by method, summed over source and destination when they count
    /// requests (`RequestCounting`); nil when neither does.
    public var requests: [String: Int]?
    public var durationSeconds: Double
    /// What `--compression` re-encoded; nil when the copy kept every byte.
    public var recompression: Recompression? = nil

    /// Layers re-encoded by a recompressing copy: distinct source layers, and their sizes in all before
    /// and after. Layers already in the target compression are not counted.
    public struct Recompression: Codable, Sendable, Hashable {
        /// `gzip` or `zstd`, and its level.
        public var compression: String
        public var level: Int32
        public var layers = 0
        public var bytesBefore: Int64 = 0
        public var bytesAfter: Int64 = 0
    }

    /// What the user should know about choices made (the platform a one-platform archive took from an
    /// index); nil when there are none.
    public var notes: [String]?

    /// The referrers brought along (`CopyOptions.referrers`), level by level; nil when not asked for.
    /// Their blobs and manifests are counted in `blobs` and `manifests` too.
    public var referrers: [CopiedReferrer]? = nil

    /// Blob counts: `copied` were streamed (`bytesCopied` bytes in all), `mounted` came from another
    /// repository of the destination registry, `skipped` were present already.
    public struct Blobs: Codable, Sendable, Hashable {
        public var copied = 0
        public var skipped = 0
        public var mounted = 0
        public var bytesCopied: Int64 = 0
        /// Counts, zero by default.
        public init(copied: Int = 0, skipped: Int = 0, mounted: Int = 0, bytesCopied: Int64 = 0) {
            (self.copied, self.skipped, self.mounted, self.bytesCopied) = (copied, skipped, mounted, bytesCopied)
        }
    }

    /// Manifest counts: `copied` were written (the root always is, unless `upToDate`), `skipped` were
    /// present in the destination, so their content was not walked either.
    public struct Manifests: Codable, Sendable, Hashable {
        public var copied = 0
        public var skipped = 0
        /// Counts, zero by default.
        public init(copied: Int = 0, skipped: Int = 0) { (self.copied, self.skipped) = (copied, skipped) }
    }

    /// Adds one finished blob or manifest to the counts.
    mutating func count(blob outcome: CopyEvent.Outcome, bytes: Int64) {
        switch outcome {
        case .copied: blobs.copied += 1; blobs.bytesCopied += bytes
        case .mounted: blobs.mounted += 1
        case .skipped: blobs.skipped += 1
        }
    }

    mutating func count(manifest outcome: CopyEvent.Outcome) {
        if outcome == .skipped { manifests.skipped += 1 } else { manifests.copied += 1 }
    }
}

extension CopyReport {
    /// A report holding only the counts `blobs` and `manifests`, for engines that bring content in with
    /// the copy's scheduler (index assembly).
    package init(blobs: Blobs, manifests: Manifests) {
        self.init(source: "", reference: "", destination: "", tag: "", digest: "", mediaType: "",
                  destinationDigest: "", upToDate: false, platforms: [], blobs: blobs, manifests: manifests,
                  filteredIndexDigest: nil, nonDistributableSkipped: [], requests: nil, durationSeconds: 0)
    }
}
