import Foundation

/// The parsed content of a manifest document.
public enum ManifestContent: Hashable, Sendable {
    case index(ImageIndex)
    case image(ImageManifest)
}

/// A manifest or index with its exact bytes: the bytes are the truth, the parsed value is derived.
///
/// The digest is computed from the bytes. The media type is settled before anything else is decided
/// (OCI image spec, image-manifest.md and image-index.md, "mediaType"; the CVE-2021-41190 fix): a document
/// whose `mediaType` field contradicts the type it was served or stored as, or whose shape mixes an index
/// (`manifests`) with a manifest (`config`, `layers`), is refused. Docker schema 1 is refused with a message.
public struct ManifestDocument: Hashable, Sendable {
    /// Media type, digest (of `bytes`) and size; annotations and platform as the referrer gave them.
    public let descriptor: Descriptor
    public let bytes: [UInt8]
    public let content: ManifestContent

    /// Largest manifest xarch reads (the distribution spec recommends accepting at least 4 MiB).
    public static let maxSize = 8 * 1024 * 1024

    /// Parses and validates `bytes`. `declaredType` is the type the registry served (`Content-Type`) or
    /// the descriptor that pointed at the document gave; nil when unknown.
    public init(bytes: [UInt8], declaredType: MediaType?, digestAlgorithm: Digest.Algorithm = .sha256) throws {
        guard bytes.count <= Self.maxSize else {
            throw XArchError(.tooLarge, "manifest is \(bytes.count) bytes, more than the \(Self.maxSize)-byte limit")
        }
        let shape = try ManifestShape.read(bytes)
        let mediaType = try Self.settleMediaType(shape: shape, declared: declaredType.map(\.essence))
        let content: ManifestContent
        let decoded: (schemaVersion: Int, mediaType: MediaType?)
        if mediaType.isIndex {
            let index = try CanonicalJSON.decode(ImageIndex.self, from: bytes, what: "image index")
            content = .index(index)
            decoded = (index.schemaVersion, index.mediaType)
        } else {
            let manifest = try CanonicalJSON.decode(ImageManifest.self, from: bytes, what: "image manifest")
            content = .image(manifest)
            decoded = (manifest.schemaVersion, manifest.mediaType)
        }
        // Parsers disagree on duplicate keys (first or last wins): refuse any document whose decoded
        // values differ from the ones the type was settled on.
        guard decoded.schemaVersion == 2, decoded.mediaType.map({ $0.essence == mediaType }) ?? true,
              shape.schemaVersion == 2 || shape.schemaVersion == nil else {
            throw XArchError(.invalidInput, "manifest is ambiguous: it repeats \"schemaVersion\" or \"mediaType\" with different values, or its schemaVersion is not 2; refusing it")
        }
        self.bytes = bytes
        self.content = content
        self.descriptor = Descriptor(mediaType: mediaType, digest: .of(bytes, algorithm: digestAlgorithm),
                                     size: Int64(bytes.count))
    }

    /// Parses `bytes` that were asked for by `expected` (a descriptor or a by-digest reference),
    /// checking that they hash to its digest and have its size.
    public init(bytes: [UInt8], expected: Descriptor) throws {
        try self.init(bytes: bytes, declaredType: expected.mediaType, digestAlgorithm: expected.digest.algorithm)
        guard descriptor.digest == expected.digest else {
            throw XArchError(.digestMismatch, "manifest content has digest \(descriptor.digest), not the \(expected.digest) that was asked for")
        }
        guard descriptor.size == expected.size else {
            throw XArchError(.digestMismatch, "manifest \(expected.digest) is \(descriptor.size) bytes, not the announced \(expected.size)")
        }
    }

    public var mediaType: MediaType { descriptor.mediaType }
    public var digest: Digest { descriptor.digest }

    public var index: ImageIndex? { if case .index(let i) = content { return i } else { return nil } }
    public var image: ImageManifest? { if case .image(let m) = content { return m } else { return nil } }

    static func settleMediaType(shape: ManifestShape, declared: MediaType?) throws -> MediaType {
        if shape.schemaVersion == 1 || shape.mediaType?.isSchema1 == true || declared?.isSchema1 == true {
            throw XArchError(.unsupported, "this is a Docker schema 1 manifest, which is deprecated and not supported; push the image again with a current client (for example `skopeo copy --format v2s2`)")
        }
        if shape.hasManifests && (shape.hasLayers || shape.hasConfig) {
            throw XArchError(.invalidInput, "manifest is ambiguous: it has both \"manifests\" (an index) and \"layers\"/\"config\" (an image manifest); refusing it")
        }
        if let field = shape.mediaType?.essence, let declared, declared.isManifest, field != declared {
            throw XArchError(.invalidInput, "manifest says its mediaType is \(field) but was served as \(declared); refusing the contradiction")
        }
        let type = shape.mediaType?.essence ?? (declared?.isManifest == true ? declared : nil)
            ?? (shape.hasManifests ? .ociIndex : .ociManifest)
        if type.isIndex, !shape.hasManifests {
            throw XArchError(.invalidInput, "manifest of type \(type) has no \"manifests\" list")
        }
        if type.isImageManifest, !shape.hasConfig {
            throw XArchError(.invalidInput, "manifest of type \(type) has no \"config\" descriptor")
        }
        guard type.isManifest else {
            throw XArchError(.unsupported, "unsupported manifest media type \(type) (xarch reads OCI and Docker schema 2 manifests and indexes)")
        }
        return type
    }
}

/// The few top-level facts needed to settle a document's type before decoding it in full.
struct ManifestShape {
    var schemaVersion: Int?
    var mediaType: MediaType?
    var hasManifests = false
    var hasLayers = false
    var hasConfig = false

    static func read(_ bytes: [UInt8]) throws -> ManifestShape {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw XArchError(.invalidInput, "manifest is not well-formed JSON", cause: error)
        }
        guard let dict = object as? [String: Any] else {
            throw XArchError(.invalidInput, "manifest is not a JSON object")
        }
        var shape = ManifestShape()
        shape.schemaVersion = dict["schemaVersion"] as? Int
        if let m = dict["mediaType"] {
            guard let s = m as? String else { throw XArchError(.invalidInput, "manifest field \"mediaType\" is not a string") }
            shape.mediaType = MediaType(s)
        }
        shape.hasManifests = dict["manifests"] != nil
        shape.hasLayers = dict["layers"] != nil
        shape.hasConfig = dict["config"] != nil
        if shape.schemaVersion == nil, dict["fsLayers"] != nil { shape.schemaVersion = 1 }
        return shape
    }
}
