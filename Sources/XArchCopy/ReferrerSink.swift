import Synchronization
import XArchContent
import XArchModel

/// The destination of a referrer copy: the destination store, except that the referrer manifests
/// themselves are written with `ReferrersRecording.putReferrer`, and those the store did not list by
/// itself are remembered per subject for one `addReferrers` call each at the end. Blobs and other
/// manifests go to the store unchanged, mounts included.
struct ReferrerSink: ContentStore, BlobMounting {
    let store: any ContentStore
    let recording: any ReferrersRecording
    /// Referrer manifests by digest: the subject each was found under, and its referrer descriptor.
    let referrers: [Digest: (subject: Digest, entry: Descriptor)]
    let unlisted = ReferrerLedger()

    var displayName: String { store.displayName }

    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument { try await store.manifest(reference) }
    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        try await store.manifestDescriptor(reference)
    }
    func blob(_ descriptor: Descriptor) async throws -> ByteStream { try await store.blob(descriptor) }
    func blobSize(_ digest: Digest) async throws -> Int64? { try await store.blobSize(digest) }
    func tags() async throws -> [String] { try await store.tags() }
    func hasBlob(_ digest: Digest) async throws -> Bool { try await store.hasBlob(digest) }
    func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws {
        try await store.putBlob(descriptor, from: stream)
    }

    func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws {
        guard let referrer = referrers[descriptor.digest] else {
            return try await store.putManifest(descriptor, bytes: bytes, tag: tag)
        }
        if try await !recording.putReferrer(descriptor, bytes: bytes) {
            unlisted.add(referrer.entry, subject: referrer.subject)
        }
    }

    func canMount(from origin: BlobOrigin) -> Bool { (store as? any BlobMounting)?.canMount(from: origin) ?? false }
    func mountBlob(_ descriptor: Descriptor, from origin: BlobOrigin) async throws -> Bool {
        try await (store as? any BlobMounting)?.mountBlob(descriptor, from: origin) ?? false
    }
}

/// Referrer descriptors to add to each subject's list, as the copy's tasks report them.
final class ReferrerLedger: Sendable {
    private let entries = Mutex<[Digest: [Descriptor]]>([:])

    func add(_ entry: Descriptor, subject: Digest) { entries.withLock { $0[subject, default: []].append(entry) } }

    /// Everything reported, by subject.
    var bySubject: [Digest: [Descriptor]] { entries.withLock { $0 } }
}
