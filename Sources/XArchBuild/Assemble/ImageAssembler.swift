import XArchContent
import XArchModel

/// Assembles the images and the index in a store (OCI image spec: image-manifest.md, config.md,
/// image-index.md): each platform's config and manifest, the index last. The layers themselves stay
/// where they are (`BuildStaging`). Only new content is encoded, by `CanonicalJSON`; base layers keep
/// their digests.
struct ImageAssembler {
    let store: any ContentStore

    /// One platform's finished image.
    struct Assembled: Sendable {
        let platform: Platform
        let descriptor: Descriptor
        let manifest: ImageManifest
        let newLayers: Int
    }

    /// Stores `state`'s config and manifest; returns the manifest's descriptor with the platform set.
    func storeImage(_ state: StageState, blobs: [LayerEntries: LayerBlob]) async throws -> Assembled {
        var config = state.config
        var layers: [Descriptor] = []
        var diffIDs: [Digest] = []
        var newLayers = 0
        for layer in state.layers {
            switch layer {
            case .base(let descriptor, let diffID, _):
                layers.append(Self.ociLayer(descriptor))
                diffIDs.append(diffID)
            case .new(let entries, _):
                guard let blob = blobs[entries] else { continue }
                layers.append(blob.descriptor)
                diffIDs.append(blob.diffID)
                newLayers += 1
            }
        }
        config.rootfs = ImageConfig.RootFS(type: "layers", diffIDs: diffIDs)
        let configBytes = try CanonicalJSON.encode(config)
        let configDescriptor = Descriptor(mediaType: .ociConfig, bytes: configBytes)
        try await store.putBlob(configDescriptor, from: ByteStream(bytes: configBytes))
        let manifest = ImageManifest(mediaType: .ociManifest, config: configDescriptor, layers: layers)
        let bytes = try CanonicalJSON.encode(manifest)
        var descriptor = Descriptor(mediaType: .ociManifest, bytes: bytes)
        try await store.putManifest(descriptor, bytes: bytes, tag: nil)
        descriptor.platform = config.platform
        return Assembled(platform: state.platform, descriptor: descriptor, manifest: manifest, newLayers: newLayers)
    }

    /// Stores the index of `entries` (the images' descriptors, then any attestations; in the given
    /// order) under `tag`.
    func storeIndex(_ entries: [Descriptor], tag: String) async throws -> Descriptor {
        let index = ImageIndex(mediaType: .ociIndex, manifests: entries)
        let bytes = try CanonicalJSON.encode(index)
        let descriptor = Descriptor(mediaType: .ociIndex, bytes: bytes)
        try await store.putManifest(descriptor, bytes: bytes, tag: tag)
        return descriptor
    }

    /// A base layer's descriptor with the OCI media type of its Docker type (the bytes, and so the
    /// digest, are the same; an OCI manifest lists OCI layer types, as BuildKit's OCI export does).
    static func ociLayer(_ descriptor: Descriptor) -> Descriptor {
        var out = descriptor
        switch descriptor.mediaType {
        case .dockerLayerGzip: out.mediaType = .ociLayerGzip
        case .dockerLayer: out.mediaType = .ociLayer
        case .dockerForeignLayer: out.mediaType = .ociLayerNonDistributableGzip
        default: break
        }
        return out
    }
}
