import XArchArchive
import XArchContent
import XArchModel

/// `xarch copy --compression gzip|zstd`: the copy's graph with every layer in another compression
/// re-encoded (`LayerRecompressor`), as skopeo's `--dest-compress-format` does. The only new content is
/// what must change: the re-encoded layers, the image manifests naming them, and the indexes naming
/// those manifests; configs, attestation and artifact manifests keep their bytes.
///
/// - Layers: the distributable tar layers (OCI image-spec layer.md, media-types.md) whose compression
///   differs from the target get the target's bytes and media type (`…tar+zstd`, `…tar+gzip`); their
///   diff IDs cannot change (the tar stream is the same), and each re-encoded layer's tar stream is
///   checked against its config's `rootfs.diff_ids` entry. Non-distributable layers are left alone.
///   The descriptor keeps its annotations and loses `data` and `urls`, which described the old bytes.
/// - Image manifests: Docker schema 2 has no zstd layer type, so a Docker manifest that gets zstd
///   layers becomes an OCI image manifest (config type `application/vnd.oci.image.config.v1+json`, the
///   config's bytes unchanged), as containers/image converts it; gzip keeps Docker's types.
/// - Indexes: entries of changed manifests get the new digest, size and media type, keeping their
///   platform and annotations; an attestation's `vnd.docker.reference.digest` follows the manifest it
///   describes; a Docker manifest list naming an OCI manifest becomes an OCI image index.
///
/// Every new document is encoded by `CanonicalJSON`, so the same source and encoding give the same
/// digests on every run and machine.
struct CopyRecompression: Sendable {
    let recompressor: LayerRecompressor
    let jobs: Int
    let sourceName: String
    let progress: (@Sendable (CopyEvent) -> Void)?

    /// A rewritten document and the new documents below it, by digest.
    struct Rewritten: Sendable {
        var document: ManifestDocument
        var documents: [Digest: ManifestDocument] = [:]
        /// Distinct source layers re-encoded, with their sizes before and after.
        var layers: [Digest: (before: Int64, after: Int64)] = [:]
        /// Whether `document` is new.
        var changed: Bool
    }

    /// `document` rewritten; children are read from `prefetched` or the source.
    func rewrite(_ document: ManifestDocument, prefetched: [Digest: ManifestDocument], depth: Int = 0) async throws -> Rewritten {
        switch document.content {
        case .image(let manifest): return try await rewrite(image: document, manifest)
        case .index(let index): return try await rewrite(index: document, index, prefetched: prefetched, depth: depth)
        }
    }

    private var target: LayerEncoding { recompressor.encoding }

    /// Whether `layer` gets re-encoded.
    private func needsEncoding(_ layer: Descriptor) -> Bool {
        layer.mediaType.isLayer && !layer.mediaType.isNonDistributable && layer.mediaType.layerCompression != target.compression
    }

    private func rewrite(image document: ManifestDocument, _ manifest: ImageManifest) async throws -> Rewritten {
        let isDocker = document.mediaType == .dockerManifest
        let convert = isDocker && target.compression == .zstd
        guard [MediaType.ociConfig, .dockerConfig].contains(manifest.config.mediaType.essence),
              manifest.layers.contains(where: needsEncoding) || convert else {
            return Rewritten(document: document, changed: false)
        }
        let diffIDs = try await configDiffIDs(manifest)
        let indices = Array(manifest.layers.indices)
        let encoded = try await BoundedConcurrency.map(indices, limit: jobs) { i -> RecompressedLayer? in
            let layer = manifest.layers[i]
            guard needsEncoding(layer) else { return nil }
            let made = try await recompressor.recompress(layer)
            progress?(.layerRecompressed(from: layer, to: Descriptor(mediaType: target.mediaType, digest: made.digest, size: made.size)))
            if i < diffIDs.count, diffIDs[i] != made.diffID {
                throw XArchError(.digestMismatch, "\(sourceName): layer \(i + 1) (\(layer.digest)) of \(document.digest) unpacks to \(made.diffID), but its config's diff ID is \(diffIDs[i]); the image is inconsistent and was not recompressed")
            }
            return made
        }
        var rewritten = manifest
        var result = Rewritten(document: document, changed: true)
        for (i, made) in encoded.enumerated() {
            let old = manifest.layers[i]
            if let made {
                var layer = Descriptor(mediaType: layerType(docker: isDocker && !convert), digest: made.digest, size: made.size)
                layer.annotations = old.annotations
                rewritten.layers[i] = layer
                result.layers[old.digest] = (old.size, made.size)
            } else if convert, old.mediaType == .dockerForeignLayer {
                rewritten.layers[i].mediaType = .ociLayerNonDistributableGzip
            }
        }
        if convert {
            rewritten.mediaType = .ociManifest
            rewritten.config.mediaType = .ociConfig
        }
        result.document = try ManifestDocument(bytes: try CanonicalJSON.encode(rewritten),
                                               declaredType: convert ? .ociManifest : document.mediaType)
        return result
    }

    /// The layer media type of the target: Docker's gzip type in a Docker manifest, else the OCI type.
    private func layerType(docker: Bool) -> MediaType {
        docker && target.compression == .gzip ? .dockerLayerGzip : target.mediaType
    }

    /// The diff IDs of the image's config (its bytes checked against the descriptor by the source's stream).
    private func configDiffIDs(_ manifest: ImageManifest) async throws -> [Digest] {
        let bytes = try await recompressor.source.blob(manifest.config).collect(limit: OpenedImage.maxConfigSize)
        let config = try CanonicalJSON.decode(ImageConfig.self, from: bytes, what: "image config \(manifest.config.digest) of \(sourceName)")
        return config.rootfs.diffIDs
    }

    private func rewrite(index document: ManifestDocument, _ index: ImageIndex, prefetched: [Digest: ManifestDocument],
                         depth: Int) async throws -> Rewritten {
        guard depth <= ImageIndex.maximumNesting else {
            throw XArchError(.unsupported, "\(sourceName): indexes are nested more than \(ImageIndex.maximumNesting) deep (at \(document.digest)); xarch does not follow them further")
        }
        var seen = Set<Digest>()
        let children = index.manifests.filter { $0.mediaType.essence.isManifest && seen.insert($0.digest).inserted }
        let parts = try await BoundedConcurrency.map(children, limit: jobs) { child -> (Digest, Rewritten) in
            let childDocument: ManifestDocument
            if let known = prefetched[child.digest] {
                childDocument = known
            } else {
                childDocument = try await CopyWalker.fetchChild(child, from: recompressor.source, sourceName: sourceName)
            }
            return (child.digest, try await rewrite(childDocument, prefetched: prefetched, depth: depth + 1))
        }
        var result = Rewritten(document: document, changed: false)
        var replaced: [Digest: Descriptor] = [:]
        for (digest, part) in parts {
            result.documents.merge(part.documents) { first, _ in first }
            result.layers.merge(part.layers) { first, _ in first }
            if part.changed {
                replaced[digest] = part.document.descriptor
                result.documents[part.document.digest] = part.document
            }
        }
        guard !replaced.isEmpty else { return result }
        var rewritten = index
        rewritten.manifests = index.manifests.map { entry in
            var entry = entry
            if let new = replaced[entry.digest] {
                (entry.mediaType, entry.digest, entry.size, entry.data) = (new.mediaType, new.digest, new.size, nil)
            }
            if let described = entry.annotations?[AnnotationKey.dockerReferenceDigest],
               let old = try? Digest(parsing: described), let new = replaced[old] {
                entry.annotations?[AnnotationKey.dockerReferenceDigest] = new.digest.description
            }
            return entry
        }
        let toOCI = document.mediaType == .dockerManifestList && rewritten.manifests.contains { $0.mediaType == .ociManifest }
        if toOCI { rewritten.mediaType = .ociIndex }
        result.document = try ManifestDocument(bytes: try CanonicalJSON.encode(rewritten),
                                               declaredType: toOCI ? .ociIndex : document.mediaType)
        result.changed = true
        return result
    }
}
