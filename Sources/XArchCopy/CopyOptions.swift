import XArchArchive
import XArchModel

/// How `ImageCopy.copy` copies: which platforms, how many transfers at once, whether to trust what the
/// destination already has.
public struct CopyOptions: Sendable, Hashable {
    /// The platforms to keep from an index; nil copies everything, unchanged. A filter yields a reduced
    /// index (see `ImageCopy`); on a single image it is a check that the image is for one of them.
    public var platforms: [Platform]?
    /// How many blob transfers and manifest writes run at once (at least 1).
    public var jobs: Int
    /// True: an entry is kept only when its normalized platform equals a requested one (containerd
    /// `OnlyStrict`, so `linux/arm64` keeps `linux/arm64/v8` but not `linux/arm/v7`). False: every entry
    /// that containerd's `Only` matcher of a requested platform accepts is kept, so `linux/arm64` also
    /// keeps `linux/arm/v7`, `v6` and `v5`, and `linux/amd64` also keeps `linux/386`.
    public var strictPlatforms: Bool
    /// Copy even what the destination already has: no up-to-date shortcut, no skipping of present
    /// blobs or manifests (the destination store may still decline to rewrite identical content).
    public var force: Bool
    /// Re-encode every layer in another compression into this one (`CopyRecompression`): new layer
    /// digests, new manifests and indexes, the same diff IDs. Nil copies every byte unchanged.
    public var compression: LayerEncoding?
    /// Bring along the referrers (signatures, SBOMs, attestations: manifests whose `subject` names
    /// them) of the copied root and its entries, and their referrers in turn (`ImageCopy.copyReferrers`).
    /// Refused with `compression` (the referrers would name digests the recompressed copy lacks).
    public var referrers: Bool

    /// Everything, 4 jobs, strict platform matching, skipping what the destination has, bytes
    /// unchanged, no referrers.
    public init(platforms: [Platform]? = nil, jobs: Int = 4, strictPlatforms: Bool = true, force: Bool = false,
                compression: LayerEncoding? = nil, referrers: Bool = false) {
        self.platforms = platforms
        self.jobs = jobs
        self.strictPlatforms = strictPlatforms
        self.force = force
        self.compression = compression
        self.referrers = referrers
    }
}

/// Progress of a copy, reported as it happens (from several tasks at once: the handler must be
/// thread-safe). Byte progress is coarse: one event per chunk the source delivers.
public enum CopyEvent: Sendable, Hashable {
    /// What a blob or manifest became.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Streamed from the source into the destination (for a manifest: written).
        case copied
        /// Mounted from another repository of the same registry, without transferring bytes.
        case mounted
        /// Already in the destination; nothing was sent.
        case skipped
    }

    /// The graph is known: `blobs` blobs of `bytes` bytes in all (before skipping what the destination
    /// has) and `manifests` manifests will be considered.
    case planned(blobs: Int, bytes: Int64, manifests: Int)
    /// Work on a blob began (existence check, mount or upload).
    case blobStarted(Descriptor)
    /// `bytes` of the blob's `total` have been read from the source and handed to the destination.
    case blobProgress(Digest, bytes: Int64, total: Int64)
    /// The blob is in the destination.
    case blobDone(Descriptor, Outcome)
    /// A manifest was written (under `tag` for the root) or found present.
    case manifestDone(Descriptor, Outcome, tag: String?)
    /// A layer was re-encoded (`CopyOptions.compression`) into the spooled blob `to`, before any transfer.
    case layerRecompressed(from: Descriptor, to: Descriptor)
}
