import XArchModel

/// Which manifest of a repository: by tag or by digest.
public enum ManifestReference: Hashable, Sendable, CustomStringConvertible {
    case tag(String)
    case digest(Digest)

    public var description: String {
        switch self {
        case .tag(let t): return t
        case .digest(let d): return d.description
        }
    }
}

/// Where content is read from: one repository of a registry, or one OCI image layout.
///
/// The distribution spec's pull endpoints (spec.md, "Pulling manifests", "Pulling blobs") and the image
/// layout's `index.json` / `blobs/` (image-layout.md) both fit this protocol; copy, index editing, build,
/// verify and test see only it.
public protocol ContentSource: Sendable {
    /// A human-readable name for messages (`oci:/path`, `localhost:5000/app`).
    var displayName: String { get }
    /// Fetches a manifest or index with its exact bytes, validated; the digest is computed from the
    /// bytes and, for a by-digest request, checked against it.
    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument
    /// The descriptor of a manifest without its body, or nil when it does not exist.
    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor?
    /// Streams a blob; the stream throws at its end if the bytes do not match `descriptor`.
    func blob(_ descriptor: Descriptor) async throws -> ByteStream
    /// The size of a blob, or nil when it does not exist.
    func blobSize(_ digest: Digest) async throws -> Int64?
    /// The tags of the repository or layout, sorted.
    func tags() async throws -> [String]
}

/// Where content is written to.
///
/// Writes are verified (the bytes must hash to `descriptor.digest` and have `descriptor.size`) and
/// atomic: nothing is visible under its final name until it is complete and verified.
public protocol ContentSink: Sendable {
    var displayName: String { get }
    /// Whether the blob is already present (the copy engine skips it then).
    func hasBlob(_ digest: Digest) async throws -> Bool
    /// Stores a blob from a stream, verifying digest and size.
    func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws
    /// Stores a manifest's exact bytes, optionally under a tag. Its children must already be present.
    func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws
}

/// A store that can delete manifests (registries with deletion enabled, layouts).
public protocol ContentDeleter: Sendable {
    func deleteManifest(_ reference: ManifestReference) async throws
}
