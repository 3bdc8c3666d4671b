import XArchModel

/// The entries a new or edited index keeps, and why the others went (pure: no I/O).
struct IndexSelection: Sendable {
    /// New platform entries, in source order.
    var members: [IndexMember]
    /// Entries of the edited index replaced by a new entry of their platform (`IndexOptions.replace`).
    var replaced: [IndexMember] = []
    /// Attestation entries left out (`IndexOptions.dropAttestations`).
    var droppedAttestations = 0
    /// Entries given twice (same digest, same platform), kept once.
    var repeats = 0
}

/// Checks and lays out the entries of an index (image-index.md, "manifests"): the platform filter,
/// duplicate platforms, what a Docker manifest list can hold, and the encoding of the new index — the
/// only new content index assembly makes, encoded by `CanonicalJSON`; its children keep their bytes.
enum IndexAssembly {
    /// The new entries `members` make next to `existing` (the entries of an edited index, kept).
    ///
    /// 1. `options.platforms` keeps the entries of those platforms (`IndexPlatformFilter`); nothing left is a
    ///    `.checkFailed` error naming what there is.
    /// 2. An entry with the digest and platform of an earlier one is the same entry: kept once.
    /// 3. Two entries of one platform (normalized, `os.version` and `os.features` included) are an error
    ///    naming both sources, unless `allowDuplicates`; with `replace`, a new entry replaces an existing one.
    /// 4. A Docker manifest list takes Docker schema 2 manifests only, and no attestations (they are OCI
    ///    manifests) unless `dropAttestations` leaves them out.
    static func select(_ members: [IndexMember], existing: [IndexMember] = [], options: IndexOptions,
                       format: IndexFormat) throws -> IndexSelection {
        var candidates = members
        if let platforms = options.platforms {
            let filter = IndexPlatformFilter(platforms)
            candidates = members.filter { $0.platform.map(filter.accepts) ?? false }
            guard !candidates.isEmpty else {
                let have = Set(members.map(\.platformName)).sorted().joined(separator: ", ")
                throw XArchError(.checkFailed, "no source has an image for \(filter.description) (they have: \(have.isEmpty ? "nothing" : have)); nothing was written")
            }
        }
        var selection = IndexSelection(members: [])
        var byPlatform: [String: IndexMember] = [:]
        var seen = Set<String>()
        for member in existing {
            seen.insert(identity(member))
            if let key = platformKey(member) { byPlatform[key] = byPlatform[key] ?? member }
        }
        for member in candidates {
            guard seen.insert(identity(member)).inserted else { selection.repeats += 1; continue }
            if let key = platformKey(member), let other = byPlatform[key] {
                if options.replace, existing.contains(where: { $0.descriptor.digest == other.descriptor.digest }) {
                    selection.replaced.append(other)
                } else if !options.allowDuplicates {
                    throw duplicate(member, other, existing: existing)
                }
            }
            if let key = platformKey(member) { byPlatform[key] = member }
            selection.members.append(member)
        }
        try checkFormat(&selection, format: format, options: options)
        return selection
    }

    /// The manifests of the new index: `kept` (an edited index's entries, unchanged and in place), then
    /// the platform entries of `members`, then their attestations (BuildKit's order), each digest once.
    static func manifests(kept: [Descriptor] = [], members: [IndexMember], dropAttestations: Bool) -> [Descriptor] {
        var manifests = kept
        var seen = Set(kept.map(\.digest))
        for member in members where seen.insert(member.descriptor.digest).inserted {
            manifests.append(member.descriptor)
        }
        guard !dropAttestations else { return manifests }
        for attestation in members.flatMap(\.attestations) where seen.insert(attestation.digest).inserted {
            manifests.append(attestation)
        }
        return manifests
    }

    /// Encodes the index: `base` (an edited index: media type, annotations, unknown fields kept) or a new
    /// one of `format`, with `manifests` and `annotations` merged in (an empty value removes a key).
    static func document(manifests: [Descriptor], base: ImageIndex?, format: IndexFormat,
                         annotations: [String: String]) throws -> ManifestDocument {
        var index = base ?? ImageIndex(mediaType: format.mediaType, manifests: [])
        index.manifests = manifests
        guard !manifests.isEmpty else {
            throw XArchError(.invalidInput, "the index would have no entries; nothing was written")
        }
        if !annotations.isEmpty {
            guard format == .oci else {
                throw XArchError(.invalidInput, "a Docker manifest list has no annotations; write an OCI index (--media-type oci) to annotate it")
            }
            var merged = index.annotations ?? [:]
            for (key, value) in annotations { merged[key] = value.isEmpty ? nil : value }
            index.annotations = merged.isEmpty ? nil : merged
        }
        let bytes = try CanonicalJSON.encode(index)
        return try ManifestDocument(bytes: bytes, declaredType: index.mediaType ?? format.mediaType)
    }

    /// What a Docker manifest list can hold, and attestations left out when asked.
    private static func checkFormat(_ selection: inout IndexSelection, format: IndexFormat, options: IndexOptions) throws {
        let attestations = selection.members.reduce(0) { $0 + $1.attestations.count }
        if format == .docker {
            if let oci = selection.members.first(where: { $0.descriptor.mediaType.essence != .dockerManifest }) {
                throw XArchError(.invalidInput, "a Docker manifest list can only hold Docker schema 2 manifests, but the \(oci.platformName) entry \(oci.descriptor.digest) from \(oci.sourceName) is \(oci.descriptor.mediaType); write an OCI index (the default) or push that image with Docker media types")
            }
            if attestations > 0, !options.dropAttestations {
                throw XArchError(.invalidInput, "the sources carry \(attestations) attestation manifests, which are OCI manifests a Docker manifest list cannot hold; write an OCI index (the default) or pass --drop-attestations to leave them out")
            }
        }
        if options.dropAttestations { selection.droppedAttestations = attestations }
    }

    /// Digest and platform: the same entry given twice.
    private static func identity(_ member: IndexMember) -> String {
        "\(member.descriptor.digest) \(platformKey(member) ?? "-")"
    }

    /// The platform as duplicates are judged: normalized, with `os.version` and `os.features`.
    static func platformKey(_ member: IndexMember) -> String? {
        member.platform.map { $0.normalized.formattedAll }
    }

    private static func duplicate(_ member: IndexMember, _ other: IndexMember, existing: [IndexMember]) -> XArchError {
        let platform = member.platformName
        if existing.contains(where: { $0.descriptor.digest == other.descriptor.digest }) {
            return XArchError(.invalidInput, "\(other.sourceName) has \(platform) already (\(other.descriptor.digest)) and \(member.sourceName) brings another (\(member.descriptor.digest)); pass --replace to replace it, or --allow-duplicates to keep both")
        }
        return XArchError(.invalidInput, "\(platform) is given twice: by \(other.sourceName) (\(other.descriptor.digest)) and by \(member.sourceName) (\(member.descriptor.digest)); keep one, choose with --platform, or pass --allow-duplicates to keep both (a host pulls the first)")
    }
}

/// Which entries a `--platform` names in index operations: those of its normalized OS, architecture and
/// variant (`linux/arm64` names `linux/arm64/v8`, not `linux/arm/v7`); an `os.version` or `os.features`
/// given narrows it, none given does not (an entry annotated with `os.version` is still named by
/// `windows/amd64`). Unlike a host's matcher, no compatible platform is accepted.
public struct IndexPlatformFilter: Sendable {
    /// The platforms asked for, normalized.
    public let requested: [Platform]

    public init(_ platforms: [Platform]) { requested = platforms.map(\.normalized) }

    /// Whether `platform` is one of those asked for.
    public func accepts(_ platform: Platform) -> Bool {
        let p = platform.normalized
        return requested.contains { r in
            r.os == p.os && r.architecture == p.architecture && r.variant == p.variant
                && (r.osVersion.isEmpty || r.osVersion == p.osVersion)
                && Set(r.osFeatures).isSubset(of: Set(p.osFeatures))
        }
    }

    /// `linux/amd64, linux/arm64`, for messages.
    public var description: String { requested.map(\.formattedAll).joined(separator: ", ") }
}
