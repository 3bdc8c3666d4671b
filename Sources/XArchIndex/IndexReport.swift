import XArchCopy
import XArchModel

/// What `xarch index create|add|remove|annotate` reports: the stable `--format json` schema.
public struct IndexReport: Codable, Sendable, Hashable {
    /// `create`, `add`, `remove` or `annotate`.
    public var operation: String
    /// The destination store (`localhost:5000/app`, `oci:/path`) and the tag written.
    public var destination: String
    public var tag: String
    /// Media type, digest and size of the index the tag names now (or would, for a dry run).
    public var mediaType: String
    public var digest: String
    public var size: Int64
    /// Edits: the digest the tag named before.
    public var previousDigest: String?
    /// Edits: the edit changed nothing, so nothing was written.
    public var unchanged: Bool
    /// Nothing was written: the index is in `document`.
    public var dryRun: Bool
    /// The platform entries of the index, in order.
    public var platforms: [Entry]
    /// Entries taken out: removed, or replaced by `index add --replace`.
    public var removed: [Entry]
    /// Attestation entries left out (`--drop-attestations`, or describing no entry of their index).
    public var droppedAttestations: Int
    /// Entries given more than once (same digest and platform), kept once.
    public var repeats: Int
    /// What bringing the children to the destination did (the copy engine's counts); manifests
    /// `skipped` were there already, and children in the destination repository are not even looked up.
    public var blobs: CopyReport.Blobs
    public var manifests: CopyReport.Manifests
    /// `--referrers`: the referrers brought along with the children from other stores (or found listed
    /// there already); nil when not asked for.
    public var referrers: [CopiedReferrer]? = nil
    /// Requests sent, by method, when the stores count them.
    public var requests: [String: Int]?
    public var durationSeconds: Double
    /// The exact bytes of the index, as text (a dry run prints them).
    public var document: String

    /// One platform entry.
    public struct Entry: Codable, Sendable, Hashable {
        /// `linux/arm64/v8`; `unknown` when neither descriptor nor config names one.
        public var platform: String
        public var platformDetail: Platform?
        /// `descriptor` or `config`: where the platform came from.
        public var platformSource: PlatformSource
        public var digest: String
        public var mediaType: String
        public var size: Int64
        /// The source it came from (for entries kept by an edit: the destination).
        public var source: String
        /// Digests of the attestation entries that describe it.
        public var attestations: [String]
    }
}

extension IndexReport.Entry {
    init(_ member: IndexMember, dropAttestations: Bool = false) {
        self.init(platform: member.platformName, platformDetail: member.platform, platformSource: member.platformSource,
                  digest: member.descriptor.digest.description, mediaType: member.descriptor.mediaType.rawValue,
                  size: member.descriptor.size, source: member.sourceName,
                  attestations: dropAttestations ? [] : member.attestations.map(\.digest.description))
    }
}
