import XArchContent
import XArchModel

/// Stores a `ProvenanceStatement` the way BuildKit lays attestations out (Docker's "Image attestation
/// storage"), so `xarch inspect`, `docker buildx imagetools inspect` and other readers find it:
///
/// - the statement is the one layer of an OCI image manifest, media type `application/vnd.in-toto+json`,
///   annotated `in-toto.io/predicate-type: https://slsa.dev/provenance/v1`;
/// - the manifest's config is a valid image config for platform `unknown/unknown` (readers ignore it;
///   its `rootfs.diff_ids` name the statement, whose bytes are not compressed);
/// - the index entry has platform `unknown/unknown` and the annotations
///   `vnd.docker.reference.type: attestation-manifest` and `vnd.docker.reference.digest: <the image's
///   manifest digest>`; entries follow the platform images in the index.
enum ProvenanceAttestation {
    /// The media type of an in-toto statement layer.
    static let statementMediaType: MediaType = "application/vnd.in-toto+json"
    /// The layer annotation naming the predicate type.
    static let predicateTypeAnnotation = "in-toto.io/predicate-type"

    /// Stores `statement` about `image` in `store`; returns the index entry of its attestation manifest.
    static func store(_ statement: ProvenanceStatement, about image: Descriptor, in store: any ContentSink) async throws -> Descriptor {
        let statementBytes = try CanonicalJSON.encode(statement)
        var layer = Descriptor(mediaType: statementMediaType, bytes: statementBytes)
        layer.annotations = [predicateTypeAnnotation: statement.predicateType]
        try await store.putBlob(layer, from: ByteStream(bytes: statementBytes))

        let config = ImageConfig(architecture: "unknown", os: "unknown",
                                 rootfs: ImageConfig.RootFS(diffIDs: [layer.digest]))
        let configBytes = try CanonicalJSON.encode(config)
        let configDescriptor = Descriptor(mediaType: .ociConfig, bytes: configBytes)
        try await store.putBlob(configDescriptor, from: ByteStream(bytes: configBytes))

        let manifest = ImageManifest(mediaType: .ociManifest, config: configDescriptor, layers: [layer])
        let bytes = try CanonicalJSON.encode(manifest)
        var entry = Descriptor(mediaType: .ociManifest, bytes: bytes)
        try await store.putManifest(entry, bytes: bytes, tag: nil)
        entry.platform = Platform(os: "unknown", architecture: "unknown")
        entry.annotations = [AnnotationKey.dockerReferenceType: "attestation-manifest",
                             AnnotationKey.dockerReferenceDigest: image.digest.description]
        return entry
    }
}
