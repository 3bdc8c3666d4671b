import XArchModel

extension OpenedImage {
    /// What the image offers a platform matcher (image-index.md, "platform"), read once: the root
    /// manifest, plus the config of the image itself or of each index entry whose descriptor names no
    /// platform. `xarch resolve` and the one-platform archive writer choose from it.
    public func platforms() async throws -> ImagePlatforms {
        let root = try await root()
        switch root.content {
        case .index(let index):
            let entries = IndexEntries(index)
            var fromConfig: [Digest: Platform] = [:]
            for entry in entries.platforms where PlatformSource.needsConfig(entry.descriptor) {
                if let manifest = try await child(entry.descriptor).image {
                    fromConfig[entry.descriptor.digest] = try await config(of: manifest).platform
                }
            }
            return ImagePlatforms(index: root.descriptor, entries: entries, configPlatforms: fromConfig,
                                  total: index.manifests.count)
        case .image(let manifest):
            return ImagePlatforms(image: root.descriptor, configPlatform: try await config(of: manifest).platform)
        }
    }
}
