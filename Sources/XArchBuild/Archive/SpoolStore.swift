import XArchModel

/// The build's spooled archives, in its private work directory, each read once: base image layers
/// (for `COPY --from` an image, or a stage built on one) and local archives `ADD` unpacks.
actor SpoolStore {
    let directory: String
    private var layers: [Digest: SpooledArchive] = [:]
    private var images: [Digest: ArchiveTree] = [:]
    private var archives: [String: SpooledArchive] = [:]

    init(directory: String) { self.directory = directory }

    /// The file system of `image`, its layers applied in order.
    func tree(of image: ResolvedImage) async throws -> ArchiveTree {
        if let hit = images[image.manifestDescriptor.digest] { return hit }
        var spooled: [SpooledArchive] = []
        for layer in image.manifest.layers {
            if let hit = layers[layer.digest] {
                spooled.append(hit)
                continue
            }
            let archive = try await SpooledArchive.spool(try await image.source.blob(layer),
                                                         name: "layer \(layer.digest) of \(image.name)",
                                                         to: "\(directory)/base-\(layer.digest.encoded).tar")
            layers[layer.digest] = archive
            spooled.append(archive)
        }
        let tree = ArchiveTree(name: "image \(image.name)", layers: spooled)
        images[image.manifestDescriptor.digest] = tree
        return tree
    }

    /// A local archive for `ADD`, decompressed when it is compressed.
    func archive(_ path: String, kind: ArchiveSniffer.Kind) async throws -> SpooledArchive {
        if let hit = archives[path] { return hit }
        let archive: SpooledArchive
        if kind == .plainTar {
            archive = try await SpooledArchive.index(plainTar: path, name: path)
        } else {
            archive = try await SpooledArchive.spool(FileStream.open(path), name: path,
                                                     to: "\(directory)/add-\(archives.count).tar")
        }
        archives[path] = archive
        return archive
    }
}
