import XArchArchive
import XArchContent
import XArchModel

/// Writes a `docker-archive` (the `docker save` format, moby `image/tarexport`) holding one image:
/// its config and layer blobs as files named as `docker save` (25 and later) names them,
/// `blobs/sha256/<hex>`, a `manifest.json` whose `Config` and `Layers` point at them and whose
/// `RepoTags` carries the archive's `NAME:TAG`, and a `repositories` file for that name.
///
/// Blobs are stored as they are, so the config digest and every layer digest survive: `docker load`
/// and skopeo take gzip and plain tar layers and check them against the config's `rootfs.diff_ids`.
/// zstd layers are refused (Docker's manifest media types cannot carry them; `docker load` before 25
/// cannot read them).
enum DockerArchiveWriter {
    /// One image of `manifest.json`.
    struct Entry: Encodable {
        var Config: String
        var RepoTags: [String]
        var Layers: [String]
    }

    static func write(_ document: ManifestDocument, from layout: OCILayout, name: ImageReference?, to target: String) async throws {
        let display = "docker-archive:\(target)"
        guard let manifest = document.image else {
            throw XArchError(.invalidInput, "\(display) holds one image, not an index; write the index to oci-archive:\(target) instead")
        }
        let configTypes: [MediaType] = [.ociConfig, .dockerConfig]
        guard configTypes.contains(manifest.config.mediaType.essence) else {
            throw XArchError(.unsupported, "\(display) holds container images; \(document.digest) is an artifact (config type \(manifest.config.mediaType))")
        }
        for layer in manifest.layers {
            switch layer.mediaType.essence {
            case .ociLayer, .ociLayerGzip, .dockerLayer, .dockerLayerGzip: continue
            case .ociLayerZstd:
                throw XArchError(.unsupported, "\(display) cannot hold the zstd layer \(layer.digest): docker save archives carry tar or gzip layers; write oci-archive:\(target) instead")
            default:
                throw XArchError(.unsupported, "\(display) cannot hold the layer \(layer.digest) of type \(layer.mediaType); write oci-archive:\(target) instead")
            }
        }
        func member(_ digest: Digest) -> String { "blobs/\(digest.algorithm.rawValue)/\(digest.encoded)" }
        let tags = name.map { [$0.familiar] } ?? []
        let entry = Entry(Config: member(manifest.config.digest), RepoTags: tags, Layers: manifest.layers.map { member($0.digest) })
        try await ArchiveFileWriter.write(to: target) { archive in
            try archive.directory("blobs")
            try archive.directory("blobs/sha256")
            var written: Set<Digest> = []
            for blob in [manifest.config] + manifest.layers where written.insert(blob.digest).inserted {
                guard blob.digest.algorithm == .sha256 else {
                    throw XArchError(.unsupported, "\(display) names blobs by sha256; \(blob.digest) is not one")
                }
                try await archive.file(member(blob.digest), from: layout.blobPath(blob.digest))
            }
            try archive.file("manifest.json", bytes: try CanonicalJSON.encode([entry]))
            if let name, let top = manifest.layers.last {
                let repositories = [name.familiarName: [name.tag ?? ImageReference.defaultTag: top.digest.encoded]]
                try archive.file("repositories", bytes: try CanonicalJSON.encode(repositories))
            }
        }
    }
}
