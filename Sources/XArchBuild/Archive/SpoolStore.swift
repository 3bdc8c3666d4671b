import XArchArchive
import XArchModel

/// The build's spooled archives, in its private work directory, each read once: base image layers
/// (for `COPY --from` an image, or a stage built on one) and local archives `ADD` unpacks.
actor SpoolStore {
    let directory: String
    private var layers: [Digest: SpooledArchive] = [:]
    private var images: [Digest: ArchiveTree] = [:]
    private var archives: [String: SpooledArchive] = [:]
    private var listedLayers: [Digest: SpooledArchive] = [:]
    private var listings: [Digest: ArchiveTree] = [:]

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

    /// What exists in `image` (paths, kinds, modes) without keeping its bytes: its layers are read once
    /// and nothing is written to disk. The full tree serves when it was spooled already.
    func listing(of image: ResolvedImage) async throws -> ArchiveTree {
        let key = image.manifestDescriptor.digest
        if let hit = images[key] ?? listings[key] { return hit }
        var listed: [SpooledArchive] = []
        for layer in image.manifest.layers {
            if let hit = layers[layer.digest] ?? listedLayers[layer.digest] {
                listed.append(hit)
                continue
            }
            let archive = try await SpooledArchive.list(try await image.source.blob(layer),
                                                        name: "layer \(layer.digest) of \(image.name)")
            listedLayers[layer.digest] = archive
            listed.append(archive)
        }
        let tree = ArchiveTree(name: "image \(image.name)", layers: listed)
        listings[key] = tree
        return tree
    }

    /// A local archive for `ADD`, decompressed when it is compressed; `name` (`ADD FILE`) starts its errors.
    func archive(_ path: String, kind: ArchiveSniffer.Kind, name: String) async throws -> SpooledArchive {
        if let hit = archives[path] { return hit }
        let archive: SpooledArchive
        if kind == .plainTar {
            archive = try await SpooledArchive.index(plainTar: path, name: name)
        } else {
            archive = try await SpooledArchive.spool(FileStream.open(path), name: name,
                                                     to: "\(directory)/add-\(archives.count).tar")
        }
        archives[path] = archive
        return archive
    }
}
