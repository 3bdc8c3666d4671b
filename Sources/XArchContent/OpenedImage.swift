import XArchModel

/// A location opened for reading: the store it lives in and which manifest of it is meant
/// (`StoreResolving.open` makes one from a location).
public struct OpenedImage: Sendable {
    public let source: any ContentSource
    /// The manifest named by the location; nil for a layout reference without tag or digest
    /// (the store's default manifest is meant then: `DefaultManifestProviding`).
    public let reference: ManifestReference?
    /// The location as written, for messages; the source's name for a source given directly.
    public let name: String

    /// The manifest `reference` of `source` (a build's output before it is stored anywhere, say).
    public init(source: any ContentSource, reference: ManifestReference) {
        self.init(source: source, reference: reference, name: source.displayName)
    }

    /// The manifest `reference` of `source`, or its default manifest when `reference` is nil; `name`
    /// names the location in messages.
    public init(source: any ContentSource, reference: ManifestReference?, name: String) {
        self.source = source
        self.reference = reference
        self.name = name
    }

    /// The root manifest or index.
    public func root() async throws -> ManifestDocument {
        if let reference { return try await source.manifest(reference) }
        guard let store = source as? any DefaultManifestProviding else {
            throw XArchError(.invalidInput, "\(name) names no tag or digest")
        }
        return try await store.defaultManifest()
    }

    /// A child manifest named by a descriptor of an index, verified against it.
    public func child(_ descriptor: Descriptor) async throws -> ManifestDocument {
        let document = try await source.manifest(.digest(descriptor.digest))
        guard document.descriptor.size == descriptor.size else {
            throw XArchError(.digestMismatch, "manifest \(descriptor.digest) is \(document.descriptor.size) bytes, but the index says \(descriptor.size)")
        }
        return document
    }

    /// The image config of an image manifest, verified against its descriptor.
    public func config(of manifest: ImageManifest) async throws -> ImageConfig {
        let bytes = try await source.blob(manifest.config).collect(limit: Self.maxConfigSize)
        return try CanonicalJSON.decode(ImageConfig.self, from: bytes, what: "image config \(manifest.config.digest)")
    }

    /// Largest image config xarch reads.
    public static let maxConfigSize = 16 * 1024 * 1024
}
