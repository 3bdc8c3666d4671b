import XArchArchive
import XArchContent
import XArchModel

/// The source of a recompressing copy: the new documents and spooled layers of `CopyRecompression`
/// over the real source, which serves everything else. Spooled layers have no origin to mount from
/// (the source repository does not hold them); other blobs keep the source's.
struct RecompressedSource: ContentSource, PerBlobOriginProviding {
    let base: any ContentSource
    let documents: [Digest: ManifestDocument]
    let recompressor: LayerRecompressor

    var displayName: String { base.displayName }

    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument {
        if case .digest(let digest) = reference, let made = documents[digest] { return made }
        return try await base.manifest(reference)
    }

    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        if case .digest(let digest) = reference, let made = documents[digest] { return made.descriptor }
        return try await base.manifestDescriptor(reference)
    }

    func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        if let layer = recompressor.spooled(descriptor.digest) { return FileStream.open(layer.path) }
        return try await base.blob(descriptor)
    }

    func blobSize(_ digest: Digest) async throws -> Int64? {
        if let layer = recompressor.spooled(digest) { return layer.size }
        return try await base.blobSize(digest)
    }

    func tags() async throws -> [String] { try await base.tags() }

    func blobOrigin(of digest: Digest) -> BlobOrigin? {
        recompressor.spooled(digest) == nil ? CopyTransfer.origin(of: digest, in: base) : nil
    }
}
