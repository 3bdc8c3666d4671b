import XArchContent

extension RegistryClient: StoreIdentifying {
    /// One repository of one registry (`localhost:5000/app`).
    public var storeIdentity: StoreIdentity { StoreIdentity(kind: "registry", name: blobOrigin.description) }
}
