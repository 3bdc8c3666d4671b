import XArchArchive
import XArchContent
import XArchModel

/// Where a build assembles its images before they go anywhere: configs, manifests and the index in
/// memory (they are small), new layers in the files `LayerCache` wrote, base layers still in the base
/// images. The copy engine then copies the index from here into the `--output` layout and to every
/// `-t` registry, children first, index last.
///
/// Base layers keep their digests, so they are never routed through the disk for a push: the copy
/// engine mounts them from the base image's repository when the destination is the same registry
/// (`PerBlobOriginProviding`; distribution spec, "Mounting a blob from another repository"), and else
/// streams them from the base image — or from the output layout once it holds them.
actor BuildStaging: ContentStore, PerBlobOriginProviding {
    private var manifests: [Digest: ManifestDocument] = [:]
    private var tagged: [String: Digest] = [:]
    private var smallBlobs: [Digest: [UInt8]] = [:]
    private let layerFiles: [Digest: (path: String, size: Int64)]
    private nonisolated let baseLayers: [Digest: any ContentSource]
    /// A store that holds copies of the base layers (the output layout, once written).
    private var mirror: (any ContentSource)?

    /// Configs are small; a larger blob put here is a bug, refused like a registry would.
    static let smallBlobLimit = 16 << 20

    init(layers: [LayerEntries: LayerBlob], states: [StageState]) {
        var files: [Digest: (path: String, size: Int64)] = [:]
        for blob in layers.values { files[blob.descriptor.digest] = (blob.file, blob.descriptor.size) }
        layerFiles = files
        var bases: [Digest: any ContentSource] = [:]
        for state in states {
            for case .base(let descriptor, _, let image) in state.layers where bases[descriptor.digest] == nil {
                bases[descriptor.digest] = image.source
            }
        }
        baseLayers = bases
    }

    nonisolated var displayName: String { "the build" }

    /// Reads base layers from `store` from now on, where it has them.
    func mirror(_ store: any ContentSource) { mirror = store }

    // MARK: ContentSink

    func hasBlob(_ digest: Digest) async throws -> Bool {
        layerFiles[digest] != nil || smallBlobs[digest] != nil
    }

    func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws {
        guard layerFiles[descriptor.digest] == nil else { return }
        let bytes = try await stream.collect(limit: Self.smallBlobLimit)
        let actual = Digest.of(bytes, algorithm: descriptor.digest.algorithm)
        guard actual == descriptor.digest, Int64(bytes.count) == descriptor.size else {
            throw XArchError(.digestMismatch, "blob \(descriptor.digest) (\(descriptor.size) bytes) was given \(bytes.count) bytes with digest \(actual)")
        }
        smallBlobs[descriptor.digest] = bytes
    }

    func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws {
        manifests[descriptor.digest] = try ManifestDocument(bytes: bytes, expected: descriptor)
        if let tag { tagged[tag] = descriptor.digest }
    }

    // MARK: ContentSource

    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument {
        guard let digest = digest(of: reference), let document = manifests[digest] else {
            throw XArchError(.notFound, "the build has no manifest \(reference)")
        }
        return document
    }

    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        digest(of: reference).flatMap { manifests[$0]?.descriptor }
    }

    func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        if let file = layerFiles[descriptor.digest] { return FileStream.open(file.path) }
        if let bytes = smallBlobs[descriptor.digest] { return ByteStream(bytes: bytes) }
        if let mirror, try await mirror.blobSize(descriptor.digest) != nil { return try await mirror.blob(descriptor) }
        guard let base = baseLayers[descriptor.digest] else {
            throw XArchError(.notFound, "the build has no blob \(descriptor.digest)")
        }
        return try await base.blob(descriptor)
    }

    func blobSize(_ digest: Digest) async throws -> Int64? {
        if let file = layerFiles[digest] { return file.size }
        if let bytes = smallBlobs[digest] { return Int64(bytes.count) }
        if let mirror, let size = try await mirror.blobSize(digest) { return size }
        return try await baseLayers[digest]?.blobSize(digest)
    }

    func tags() async throws -> [String] { tagged.keys.sorted() }

    // MARK: PerBlobOriginProviding

    nonisolated func blobOrigin(of digest: Digest) -> BlobOrigin? {
        (baseLayers[digest] as? any BlobOriginProviding)?.blobOrigin
    }

    private func digest(of reference: ManifestReference) -> Digest? {
        switch reference {
        case .digest(let digest): return digest
        case .tag(let tag): return tagged[tag]
        }
    }
}
