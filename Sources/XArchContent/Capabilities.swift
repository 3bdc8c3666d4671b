import XArchModel

/// Where a store's blobs live, for cross-repository mounts (distribution spec, "Mounting a blob from
/// another repository"): one repository of one registry.
public struct BlobOrigin: Hashable, Sendable, CustomStringConvertible {
    /// Registry host as used in references (`localhost:5000`, `ghcr.io`).
    public let registry: String
    /// Repository path (`library/alpine`).
    public let repository: String

    public init(registry: String, repository: String) {
        self.registry = registry
        self.repository = repository
    }

    public var description: String { "\(registry)/\(repository)" }
}

/// A source that can say where its blobs live (registries can; layouts cannot).
public protocol BlobOriginProviding: Sendable {
    var blobOrigin: BlobOrigin { get }
}

/// A source whose blobs live in different places (a build's output: new layers on disk, base layers
/// in the base image's repository), so the place to mount from is known per blob. The copy engine asks
/// this before `BlobOriginProviding`.
public protocol PerBlobOriginProviding: Sendable {
    /// The repository `digest` can be mounted from, or nil when it lives only in this source.
    func blobOrigin(of digest: Digest) -> BlobOrigin?
}

/// A sink that can mount blobs from another repository of the same registry instead of uploading them.
public protocol BlobMounting: ContentSink {
    /// Whether a mount from `origin` can be attempted (same registry, another repository).
    func canMount(from origin: BlobOrigin) -> Bool
    /// Asks the registry to mount the blob. Returns true when the blob is now present; false when the
    /// registry declined (answered 202 with an upload session, or an error): the caller uploads then.
    func mountBlob(_ descriptor: Descriptor, from origin: BlobOrigin) async throws -> Bool
}

/// Something that counts the requests it sent, for summaries and request budgets.
public protocol RequestCounting: Sendable {
    /// Requests sent so far, by method (`GET`, `HEAD`, `PUT`, `POST`, `PATCH`, `DELETE`).
    func requestCounts() async -> [String: Int]
    /// Stores that share one counter (two repositories of one session) have the same identity, so
    /// their requests are summed once.
    var requestCounterIdentity: ObjectIdentifier { get }
}

/// A store that can name a default manifest when none is asked for: the only manifest of an OCI image
/// layout whose `index.json` lists exactly one (image-layout.md), read when a location names neither a
/// tag nor a digest.
public protocol DefaultManifestProviding: Sendable {
    /// The store's only manifest or index; an error naming the choices when there is not exactly one.
    func defaultManifest() async throws -> ManifestDocument
}

/// Which store a handle talks to: two handles with equal identities read and write the same content
/// (one repository of one registry, one layout directory), so content of one is in the other.
public struct StoreIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The kind of store (`registry`, `layout`), so names of different kinds never compare equal.
    public let kind: String
    /// The store's name within its kind (`localhost:5000/app`, a layout's path).
    public let name: String

    public init(kind: String, name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind) \(name)" }
}

/// A store that can say which store it is, for "same store as" questions (index assembly skips copying
/// children that come from the destination itself).
public protocol StoreIdentifying: Sendable {
    var storeIdentity: StoreIdentity { get }
}

/// A store that is both read and written: copy destinations, index editing.
public typealias ContentStore = ContentSource & ContentSink
