import XArchModel

/// The kind of index `xarch index create` writes (image-index.md; Docker manifest list v2.2).
public enum IndexFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// `application/vnd.oci.image.index.v1+json`: holds OCI and Docker manifests, attestations and
    /// annotations. The default.
    case oci
    /// `application/vnd.docker.distribution.manifest.list.v2+json`: only Docker schema 2 manifests, no
    /// annotations, so no attestations (they are OCI manifests).
    case docker

    public var mediaType: MediaType { self == .oci ? .ociIndex : .dockerManifestList }

    /// The format of an existing index's media type.
    public init?(mediaType: MediaType) {
        switch mediaType.essence {
        case .ociIndex: self = .oci
        case .dockerManifestList: self = .docker
        default: return nil
        }
    }
}

/// How `IndexEditor` assembles and pushes an index.
public struct IndexOptions: Sendable, Hashable {
    /// The media type of a new index (edits keep the media type of the index they edit).
    public var format: IndexFormat
    /// Keep only the entries of these platforms (the same normalized OS, architecture and variant:
    /// `linux/arm64` keeps `linux/arm64/v8`, not `linux/arm/v7`); nil keeps every platform. Attestations
    /// follow the entry they describe.
    public var platforms: [Platform]?
    /// Keep two entries of one platform instead of refusing them (a host pulls the first).
    public var allowDuplicates: Bool
    /// Leave attestation entries out (required for a Docker manifest list, which cannot hold them).
    public var dropAttestations: Bool
    /// `index add`: an entry of a platform the index has already replaces the old entry (and its
    /// attestations) instead of being refused as a duplicate.
    public var replace: Bool
    /// Index-level annotations to set (image-index.md, "annotations"); an empty value removes a key.
    public var annotations: [String: String]
    /// Assemble and return the index without writing anything.
    public var dryRun: Bool
    /// How many manifest reads and transfers run at once.
    public var jobs: Int
    /// Bring along the referrers (signatures, SBOMs, attestations whose `subject` names them) of the
    /// entries copied from other repositories or layouts (`ImageCopy.copyReferrers`); entries already in
    /// the destination keep theirs there.
    public var referrers = false

    public init(format: IndexFormat = .oci, platforms: [Platform]? = nil, allowDuplicates: Bool = false,
                dropAttestations: Bool = false, replace: Bool = false, annotations: [String: String] = [:],
                dryRun: Bool = false, jobs: Int = 8) {
        self.format = format
        self.platforms = platforms
        self.allowDuplicates = allowDuplicates
        self.dropAttestations = dropAttestations
        self.replace = replace
        self.annotations = annotations
        self.dryRun = dryRun
        self.jobs = jobs
    }
}

/// What `index annotate` changes: index annotations (in `IndexOptions.annotations`) and, on the entries
/// of `platforms`, descriptor annotations, `os.version` and `os.features`.
public struct IndexAnnotation: Sendable, Hashable {
    /// The entries to change (as `--platform` names them: OS, architecture, variant); empty: none (index-level changes only).
    public var platforms: [Platform]
    /// Descriptor annotations to set on those entries; an empty value removes a key.
    public var descriptorAnnotations: [String: String]
    /// `platform.os.version` to write on those entries.
    public var osVersion: String?
    /// `platform.os.features` to write on those entries.
    public var osFeatures: [String]?

    public init(platforms: [Platform] = [], descriptorAnnotations: [String: String] = [:],
                osVersion: String? = nil, osFeatures: [String]? = nil) {
        self.platforms = platforms
        self.descriptorAnnotations = descriptorAnnotations
        self.osVersion = osVersion
        self.osFeatures = osFeatures
    }

    /// Whether anything is to change on entries.
    var changesEntries: Bool { !descriptorAnnotations.isEmpty || osVersion != nil || osFeatures != nil }
}
