import XArchContent
import XArchLayout
import XArchModel

extension TestImages {
    /// Stores an artifact manifest whose subject is `subject` (an empty config, one `text/plain` blob of
    /// `text`, artifact type `application/vnd.example.note`, annotation `note: text`) and, when `record`
    /// is true, lists it as a referrer of `subject` (`ReferrersRecording.addReferrers`).
    public static func referrer(_ text: String, of subject: Descriptor, in layout: OCILayout,
                                record: Bool = true) async throws -> ManifestDocument {
        let empty = Array("{}".utf8), blob = Array(text.utf8)
        let config = Descriptor(mediaType: .ociEmpty, bytes: empty), layer = Descriptor(mediaType: "text/plain", bytes: blob)
        try await layout.putBlob(config, from: ByteStream(bytes: empty))
        try await layout.putBlob(layer, from: ByteStream(bytes: blob))
        let bare = Descriptor(mediaType: subject.mediaType, digest: subject.digest, size: subject.size)
        let bytes = try CanonicalJSON.encode(ImageManifest(artifactType: "application/vnd.example.note", config: config,
                                                           layers: [layer], subject: bare, annotations: ["note": text]))
        let document = try ManifestDocument(bytes: bytes, declaredType: .ociManifest)
        _ = try await layout.putReferrer(document.descriptor, bytes: bytes)
        if record { try await layout.addReferrers([document.referrerDescriptor], to: subject.digest) }
        return document
    }
}
