import XArchContent
import XArchModel

/// A base image resolved for one platform: the manifest and config of that platform's image.
struct ResolvedImage: Sendable {
    /// The reference as the Dockerfile wrote it (after expansion), for messages.
    let name: String
    let source: any ContentSource
    let manifest: ImageManifest
    let manifestDescriptor: Descriptor
    let config: ImageConfig
    /// The platform it was resolved for (normalized).
    let platform: Platform
}

/// Resolves `FROM` and `COPY --from` images per target platform, strictly: after normalization the
/// platform must be one the image offers (containerd's `OnlyStrict`), so a single-arch base is an
/// error naming what it has, found while planning — before anything is written or pushed.
/// Roots and resolutions are cached, so an image used by several platforms is fetched once.
actor BaseImageResolver {
    private let stores: any StoreResolving
    private var roots: [String: (OpenedImage, ManifestDocument)] = [:]
    private var resolved: [String: ResolvedImage] = [:]

    /// Base images are opened by `stores` (registry repositories, layouts).
    init(resolver stores: any StoreResolving) { self.stores = stores }

    /// The image `name` (a registry reference, or `oci:PATH[:TAG]`) for `platform`.
    func resolve(_ name: String, platform: Platform) async throws -> ResolvedImage {
        let target = platform.normalized
        let key = "\(name)|\(target.formatted)"
        if let hit = resolved[key] { return hit }
        let (image, root) = try await openRoot(name)
        let manifestDocument: ManifestDocument
        switch root.content {
        case .index(let index):
            let offered = try await offeredPlatforms(index, image: image)
            guard let match = offered.first(where: { $0.platform.normalized == target }) else {
                throw Self.missing(name, target, offered: offered.map(\.platform))
            }
            manifestDocument = try await image.child(match.descriptor)
        case .image:
            manifestDocument = root
        }
        guard let manifest = manifestDocument.image else {
            throw XArchError(.unsupported, "base image \(name) for \(target.formatted) is a nested index, which xarch build does not read")
        }
        let config = try await image.config(of: manifest)
        if case .image = root.content, config.platform.normalized != target {
            throw Self.missing(name, target, offered: [config.platform])
        }
        let result = ResolvedImage(name: name, source: image.source, manifest: manifest,
                                   manifestDescriptor: manifestDocument.descriptor, config: config, platform: target)
        resolved[key] = result
        return result
    }

    /// One base image as resolved for one platform, for provenance.
    struct Resolution: Sendable, Hashable {
        /// The reference as the Dockerfile wrote it (after expansion).
        let name: String
        /// The platform it was resolved for (a target's, or `BUILDPLATFORM`).
        let platform: Platform
        /// The digest `name` resolved to (an index, or the image itself).
        let root: Digest
        /// The platform's image manifest.
        let manifest: Digest
    }

    /// Every base image resolved so far, for the platforms in `platforms`, ordered by name and platform.
    func resolutions(for platforms: Set<Platform>) -> [Resolution] {
        resolved.values.compactMap { image -> Resolution? in
            guard platforms.contains(image.platform), let root = roots[image.name]?.1.descriptor.digest else { return nil }
            return Resolution(name: image.name, platform: image.platform, root: root, manifest: image.manifestDescriptor.digest)
        }
        .sorted { ($0.name, $0.platform.formatted) < ($1.name, $1.platform.formatted) }
    }

    /// Every platform `name` offers (attestations left out), for `--platform all`.
    func platforms(of name: String) async throws -> [Platform] {
        let (image, root) = try await openRoot(name)
        switch root.content {
        case .index(let index): return try await offeredPlatforms(index, image: image).map(\.platform)
        case .image(let manifest): return [try await image.config(of: manifest).platform]
        }
    }

    private func openRoot(_ name: String) async throws -> (OpenedImage, ManifestDocument) {
        if let hit = roots[name] { return hit }
        let location = try Self.location(name)
        let image = try stores.open(location)
        let root: ManifestDocument
        do {
            root = try await image.root()
        } catch let error as XArchError {
            throw XArchError(error.code, "cannot read base image \(name): \(error.message)", cause: error)
        }
        roots[name] = (image, root)
        return (image, root)
    }

    /// The platform entries of an index with their platforms (from the config when the descriptor
    /// has none).
    private func offeredPlatforms(_ index: ImageIndex, image: OpenedImage) async throws -> [(descriptor: Descriptor, platform: Platform)] {
        var out: [(Descriptor, Platform)] = []
        for entry in IndexEntries(index).platforms {
            if let platform = entry.descriptor.platform {
                out.append((entry.descriptor, platform))
            } else if entry.descriptor.mediaType.isImageManifest, let manifest = try await image.child(entry.descriptor).image {
                out.append((entry.descriptor, try await image.config(of: manifest).platform))
            }
        }
        return out
    }

    /// `FROM` names: registry references in docker's grammar, or `oci:PATH[:TAG|@DIGEST]`.
    static func location(_ name: String) throws -> ImageLocation {
        do {
            return try ImageLocation(parsing: name)
        } catch let error as XArchError {
            throw XArchError(.invalidInput, "invalid base image reference \"\(name)\": \(error.message)", cause: error)
        }
    }

    static func missing(_ name: String, _ platform: Platform, offered: [Platform]) -> XArchError {
        let list = offered.isEmpty ? "no platforms at all" : offered.map(\.formatted).joined(separator: ", ")
        return XArchError(.checkFailed, "base image \(name) has no image for \(platform.formatted) (it offers: \(list)); nothing was built or pushed — build for the platforms it offers, or choose a base image that has \(platform.formatted)")
    }
}
