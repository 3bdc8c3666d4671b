/// The entries of an index, sorted into what they are.
///
/// BuildKit stores provenance and SBOM attestations as extra index entries whose platform is
/// `unknown/unknown` and whose annotations say `vnd.docker.reference.type: attestation-manifest` and
/// `vnd.docker.reference.digest: <the manifest described>`. They are never platforms: xarch shows them
/// attached to the entry they describe and never offers them to a platform matcher.
public struct IndexEntries: Sendable, Hashable {
    /// An entry with its position in the index.
    public struct Entry: Sendable, Hashable {
        public let position: Int
        public let descriptor: Descriptor
        public init(position: Int, descriptor: Descriptor) {
            self.position = position
            self.descriptor = descriptor
        }
    }

    /// Entries that are images (or nested indexes) for a platform, in index order, including those
    /// without a `platform` field.
    public let platforms: [Entry]
    /// Attestation entries, keyed by the digest of the manifest they describe.
    public let attestations: [Digest: [Entry]]
    /// Attestation entries whose `vnd.docker.reference.digest` is missing, malformed, or names no
    /// entry of this index.
    public let orphanAttestations: [Entry]

    public init(_ index: ImageIndex) {
        var platforms: [Entry] = []
        var attached: [Digest: [Entry]] = [:]
        var pending: [(Entry, Digest?)] = []
        for (i, d) in index.manifests.enumerated() {
            let entry = Entry(position: i, descriptor: d)
            if Self.isAttestation(d) {
                let target = d.annotations?[AnnotationKey.dockerReferenceDigest].flatMap { try? Digest(parsing: $0) }
                pending.append((entry, target))
            } else {
                platforms.append(entry)
            }
        }
        let known = Set(platforms.map(\.descriptor.digest))
        var orphans: [Entry] = []
        for (entry, target) in pending {
            if let target, known.contains(target) { attached[target, default: []].append(entry) }
            else { orphans.append(entry) }
        }
        self.platforms = platforms
        self.attestations = attached
        self.orphanAttestations = orphans
    }

    /// Whether `descriptor` is an attestation entry rather than a platform image.
    public static func isAttestation(_ descriptor: Descriptor) -> Bool {
        descriptor.annotations?[AnnotationKey.dockerReferenceType] == "attestation-manifest"
    }

    /// The attestation entries describing `digest`.
    public func attestations(of digest: Digest) -> [Entry] { attestations[digest] ?? [] }
}
