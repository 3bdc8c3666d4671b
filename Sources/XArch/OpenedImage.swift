import XArchContent
import XArchLayout
import XArchModel
import XArchRegistry

/// A location opened for reading: the store it lives in and which manifest of it is meant.
public struct OpenedImage: Sendable {
    public let source: any ContentSource
    /// The manifest named by the location; nil for a layout reference without tag or digest
    /// (the layout's only manifest is meant then).
    public let reference: ManifestReference?
    /// Where it was opened from; nil for a source given directly.
    public let location: ImageLocation?

    /// The manifest `reference` of `source` (a build's output before it is stored anywhere, say).
    public init(source: any ContentSource, reference: ManifestReference) {
        self.init(source: source, reference: reference, location: nil)
    }

    private init(source: any ContentSource, reference: ManifestReference?, location: ImageLocation?) {
        self.source = source
        self.reference = reference
        self.location = location
    }

    /// Opens `location` for reading; registry locations use `session`.
    public static func open(_ location: ImageLocation, session: RegistrySession) throws -> OpenedImage {
        switch location {
        case .layout(let layout):
            let store = try OCILayout.open(at: layout.path)
            let reference: ManifestReference? = layout.digest.map { .digest($0) } ?? layout.tag.map { .tag($0) }
            return OpenedImage(source: store, reference: reference, location: location)
        case .registry(let ref):
            let reference: ManifestReference = ref.digest.map { .digest($0) } ?? .tag(ref.tag ?? ImageReference.defaultTag)
            return OpenedImage(source: session.repository(ref), reference: reference, location: location)
        }
    }

    /// The root manifest or index.
    public func root() async throws -> ManifestDocument {
        if let reference { return try await source.manifest(reference) }
        guard let layout = source as? OCILayout else {
            throw XArchError(.invalidInput, "\(location.map { "\($0)" } ?? source.displayName) names no tag or digest")
        }
        return try await layout.defaultManifest()
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
