import XArchContent
import XArchModel

/// A referrer found in the source: the manifest and the subject it was listed under.
struct FoundReferrer: Sendable {
    let subject: Digest
    let document: ManifestDocument
}

/// Finds the referrers of a copy's manifests in its source (distribution-spec spec.md, "Listing
/// Referrers"), and the referrers of those, breadth first, `maximumDepth` levels deep (a signature of
/// an SBOM of an image is level 2), each manifest once.
struct ReferrerDiscovery: Sendable {
    /// Levels of referrers of referrers followed.
    static let maximumDepth = 4

    let source: any ContentSource & ReferrersListing
    let sourceName: String
    let jobs: Int

    /// The referrers of `subjects`, level by level, in the order the source lists them. A listed
    /// manifest whose `subject` is another digest is not a referrer of that subject and is left out.
    func discover(_ subjects: [Digest]) async throws -> [FoundReferrer] {
        var seen = Set(subjects)
        var level = subjects
        var found: [FoundReferrer] = []
        for _ in 0..<Self.maximumDepth where !level.isEmpty {
            let lists = try await BoundedConcurrency.map(level, limit: jobs) { subject in
                (subject, try await source.referrers(of: subject))
            }
            var candidates: [(Digest, Descriptor)] = []
            for (subject, list) in lists {
                for descriptor in list where seen.insert(descriptor.digest).inserted {
                    candidates.append((subject, descriptor))
                }
            }
            let documents = try await BoundedConcurrency.map(candidates, limit: jobs) { subject, descriptor in
                try await fetch(descriptor, of: subject)
            }
            let next = zip(candidates, documents).compactMap { pair -> FoundReferrer? in
                let ((subject, _), document) = pair
                guard document.subject?.digest == subject else { return nil }
                return FoundReferrer(subject: subject, document: document)
            }
            found += next
            level = next.map(\.document.digest)
        }
        return found
    }

    /// A listed referrer, checked against its descriptor.
    private func fetch(_ descriptor: Descriptor, of subject: Digest) async throws -> ManifestDocument {
        guard descriptor.mediaType.essence.isManifest else {
            throw XArchError(.unsupported, "\(sourceName): referrer \(descriptor.digest) of \(subject) has media type \(descriptor.mediaType), which is neither an image manifest nor an index; xarch cannot copy it")
        }
        return try await CopyWalker.fetchChild(descriptor, from: source, sourceName: sourceName)
    }
}
