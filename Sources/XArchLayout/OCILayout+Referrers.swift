import XArchContent
import XArchModel

/// Referrers in an image layout. image-layout.md lists a layout's roots in `index.json` and says no more
/// about referrers; a referrer kept only as a blob would be unreachable (and collected by `layout gc`).
/// So, as oras-go's layout store does, a referrer is stored as a blob and recorded as an untagged
/// `index.json` entry carrying its referrer descriptor (`artifactType`, annotations); readers find the
/// referrers of a manifest by the `subject` of those entries' manifests. The referrers tag schema's
/// `sha256-<hex>` tag (an index of referrer descriptors, as regclient's layouts held them) is read too.
extension OCILayout: ReferrersListing, ReferrersRecording {
    /// The referrers of `digest`: the manifests listed in `index.json` whose `subject` is `digest`, then
    /// the entries of a `sha256-<hex>` tag's index not listed already, each described as the referrers
    /// API would (`ManifestDocument.referrerDescriptor`).
    public func referrers(of digest: Digest) async throws -> [Descriptor] {
        let index = try self.index()
        let tag = digest.referrersTag
        var found: [Descriptor] = []
        var fallback: [Descriptor] = []
        for entry in index.manifests where entry.mediaType.essence.isManifest {
            let document = try document(for: entry, named: "manifest \(entry.digest)")
            if entry.annotations?[AnnotationKey.refName] == tag, let list = document.index {
                fallback += list.manifests
            } else if document.subject?.digest == digest {
                found.append(document.referrerDescriptor)
            }
        }
        return ReferrersList.merge(found, adding: fallback)
    }

    /// Stores the manifest as a blob (its children must be in the layout, as for `putManifest`); the
    /// layout never lists it by itself, so this returns false and `addReferrers` records it.
    public func putReferrer(_ descriptor: Descriptor, bytes: [UInt8]) async throws -> Bool {
        try await putManifest(descriptor, bytes: bytes, tag: nil)
        return false
    }

    /// Records each descriptor as an untagged `index.json` entry, unless an entry has its digest
    /// already; one update under the layout's lock, so concurrent writers lose nothing (see
    /// `updateIndex`). Each manifest must be stored first.
    public func addReferrers(_ descriptors: [Descriptor], to subject: Digest) async throws {
        for descriptor in descriptors where try storedBlobSize(descriptor.digest) != descriptor.size {
            throw XArchError(.notFound, "cannot record referrer \(descriptor.digest) of \(subject) in index.json of layout \(path): its manifest of \(descriptor.size) bytes is not in the layout; store it first")
        }
        try updateIndex { index in
            let known = Set(index.manifests.map(\.digest))
            let added = descriptors.filter { !known.contains($0.digest) }
            for descriptor in added { Self.record(descriptor, tag: nil, in: &index) }
            return !added.isEmpty
        }
    }
}
