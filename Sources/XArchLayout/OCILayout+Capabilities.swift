import XArchContent

/// A layout's default manifest is its only one (`defaultManifest()`, as skopeo reads `oci:PATH`).
extension OCILayout: DefaultManifestProviding {}

extension OCILayout: StoreIdentifying {
    /// One layout directory, by its path as given.
    public var storeIdentity: StoreIdentity { StoreIdentity(kind: "layout", name: path) }
}
