import XArchModel

/// How a destination's tag is read from its location.
public enum DestinationTags: Sendable {
    /// The location's tag when it names one, else nil (a copy then takes the source's tag); a digest is
    /// refused, because the digest follows from the content.
    case optional
    /// A tag is needed: a layout's must be named, a registry's defaults to `latest`; a digest is refused
    /// (index editing).
    case required
}

/// What to do when a destination's store does not exist yet.
public enum DestinationAccess: Sendable {
    /// Create it (a layout directory is created; a registry repository comes to exist with its first push).
    case create
    /// It must exist: an error otherwise (an index to edit).
    case existing
    /// Leave it absent: the destination has no store (a dry run to a layout not created yet).
    case ifExists
}

/// A location opened for writing.
public struct OpenedDestination: Sendable {
    /// The store; nil only for `DestinationAccess.ifExists` when the store does not exist.
    public let store: (any ContentStore)?
    /// The tag the location names, read by the `DestinationTags` rule.
    public let tag: String?
    /// The store of the location, for reports: `localhost:5000/app`, `oci:/path`.
    public let storeName: String

    public init(store: (any ContentStore)?, tag: String?, storeName: String) {
        self.store = store
        self.tag = tag
        self.storeName = storeName
    }
}

/// Turns a location into a store: the one place that knows which kind of store each kind of location
/// names (registry repository, OCI image layout). Copy, index editing and build are handed one and see
/// only the content protocols; tests can hand them an in-memory store.
public protocol StoreResolving: Sendable {
    /// Opens `location` for reading: its store and the manifest it names.
    func open(_ location: ImageLocation) throws -> OpenedImage
    /// Opens `location` for writing, its tag read by `tags`, its store created or not by `access`.
    func openDestination(_ location: ImageLocation, tags: DestinationTags,
                         access: DestinationAccess) throws -> OpenedDestination
}
