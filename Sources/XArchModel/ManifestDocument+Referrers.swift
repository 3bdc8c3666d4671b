/// Referrers: manifests that name another manifest in their `subject` field (image-spec manifest.md and
/// image-index.md, "subject"), listed by the distribution spec's referrers API or its tag schema.
extension ManifestDocument {
    /// The manifest this document refers to (a signature's, SBOM's or attestation's image), or nil.
    public var subject: Descriptor? {
        switch content {
        case .image(let manifest): return manifest.subject
        case .index(let index): return index.subject
        }
    }

    /// The descriptor a referrers list gives this document (distribution-spec spec.md, "Listing
    /// Referrers"): media type, digest and size; `artifactType` from the manifest's `artifactType`, else,
    /// for an image manifest, its config's media type; and the manifest's `annotations`.
    public var referrerDescriptor: Descriptor {
        var entry = Descriptor(mediaType: mediaType, digest: digest, size: descriptor.size)
        switch content {
        case .image(let manifest):
            entry.artifactType = manifest.artifactType ?? manifest.config.mediaType
            entry.annotations = manifest.annotations
        case .index(let index):
            entry.artifactType = index.artifactType
            entry.annotations = index.annotations
        }
        return entry
    }
}

extension Digest {
    /// The tag of the referrers tag schema (distribution-spec spec.md, "Referrers Tag Schema"):
    /// `<alg>-<ref>`, the algorithm and the encoded digest cut to 64 characters (`sha256-<hex>`).
    public var referrersTag: String { "\(algorithm.rawValue)-\(encoded.prefix(64))" }
}

/// Merging referrers lists (the fallback tag's index, a layout's): entries are identified by digest.
public enum ReferrersList {
    /// `existing` followed by the entries of `added` whose digests it lacks; the order of both is kept,
    /// and no entry of `existing` is dropped or changed.
    public static func merge(_ existing: [Descriptor], adding added: [Descriptor]) -> [Descriptor] {
        var seen = Set(existing.map(\.digest))
        return existing + added.filter { seen.insert($0.digest).inserted }
    }
}
