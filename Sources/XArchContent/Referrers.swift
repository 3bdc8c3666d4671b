import XArchModel

/// A store that lists the manifests referring to a manifest (distribution-spec spec.md, "Listing
/// Referrers": the referrers API, or the referrers tag schema where a registry lacks it; an image
/// layout's `index.json`).
public protocol ReferrersListing: Sendable {
    /// Descriptors of the manifests whose `subject` is `digest`, each with its `artifactType` and
    /// annotations; empty when there are none.
    func referrers(of digest: Digest) async throws -> [Descriptor]
}

/// A store that can record referrers so that `ReferrersListing.referrers(of:)` finds them. Writing is
/// two steps, so one writer updates a list once for all its referrers of one subject:
/// `putReferrer` stores the manifest; `addReferrers` records, for the subjects whose store did not
/// index the manifest by itself, the descriptors in the subject's list.
public protocol ReferrersRecording: ContentSink {
    /// Stores a manifest that has a `subject` (by digest, never under a tag). Returns true when the
    /// store lists it under its subject by itself (a registry answering `OCI-Subject`), false when
    /// `addReferrers` must record it.
    func putReferrer(_ descriptor: Descriptor, bytes: [UInt8]) async throws -> Bool
    /// Adds `descriptors` (referrer descriptors: `ManifestDocument.referrerDescriptor`) to the list of
    /// referrers of `subject`, keeping every entry already there, whoever wrote it.
    func addReferrers(_ descriptors: [Descriptor], to subject: Digest) async throws
}
