import XArchContent
import XArchLayout
import XArchModel
import XArchRegistry

/// The one store resolver: a registry location is a repository of `session`, an `oci:` location an
/// OCI image layout on disk, an `oci-archive:` or `docker-archive:` location an archive file (read in
/// place; written through a staging layout beside it, `ArchiveStaging`). Nothing else in xarch switches on the kind of a location to find its store;
/// the engines (copy, index, build) are handed this as `any StoreResolving`.
public struct StoreResolver: StoreResolving {
    /// The session registry repositories are opened with.
    public let session: RegistrySession

    /// A resolver opening registry repositories with `session`.
    public init(session: RegistrySession) {
        self.session = session
    }

    /// Opens `location` for reading. A layout reference without tag or digest means the layout's only
    /// manifest; a registry reference without either means its `latest` tag.
    public func open(_ location: ImageLocation) throws -> OpenedImage {
        switch location {
        case .layout(let layout):
            let reference: ManifestReference? = layout.digest.map { .digest($0) } ?? layout.tag.map { .tag($0) }
            return OpenedImage(source: try OCILayout.open(at: layout.path), reference: reference, name: location.description)
        case .registry(let ref):
            let reference: ManifestReference = ref.digest.map { .digest($0) } ?? .tag(ref.tag ?? ImageReference.defaultTag)
            return OpenedImage(source: session.repository(ref), reference: reference, name: location.description)
        case .archive(let archive):
            switch archive.format {
            case .oci:
                return OpenedImage(source: OCIArchive(path: archive.path), reference: archive.tag.map { .tag($0) },
                                   name: location.description)
            case .docker:
                return OpenedImage(source: DockerArchive(path: archive.path, name: archive.name), reference: nil,
                                   name: location.description)
            }
        }
    }

    /// Opens `location` for writing: a layout is opened, created (`.create`) or left absent when missing
    /// (`.ifExists`); a registry repository needs no creating. A digest is refused: the digest of what
    /// is written follows from its content.
    public func openDestination(_ location: ImageLocation, tags: DestinationTags,
                                access: DestinationAccess) throws -> OpenedDestination {
        switch location {
        case .layout(let layout):
            let tag = try Self.layoutTag(layout, of: location, tags)
            let store: OCILayout?
            switch access {
            case .create: store = try OCILayout.openOrCreate(at: layout.path)
            case .existing: store = try OCILayout.open(at: layout.path)
            case .ifExists: store = try? OCILayout.open(at: layout.path)
            }
            return OpenedDestination(store: store, tag: tag, storeName: "oci:\(layout.path)")
        case .registry(let ref):
            guard ref.digest == nil else {
                switch tags {
                case .optional:
                    throw XArchError(.invalidInput, "the destination \(ref) names a digest; push to a tag instead (the digest follows from the content)")
                case .required:
                    throw XArchError(.invalidInput, "the index destination \(ref) names a digest; name a tag (the digest follows from the content)")
                }
            }
            let tag = tags == .required ? ref.tag ?? ImageReference.defaultTag : ref.tag
            return OpenedDestination(store: session.repository(ref), tag: tag, storeName: ref.name)
        case .archive(let archive):
            return try Self.archiveDestination(archive, tags: tags, access: access)
        }
    }

    /// An archive is written whole, by a copy or `index create`: it cannot be edited in place, and a
    /// `docker-archive` holds one image, never an index.
    private static func archiveDestination(_ archive: ArchiveReference, tags: DestinationTags,
                                           access: DestinationAccess) throws -> OpenedDestination {
        let name = archive.format.prefix + archive.path
        if tags == .required {
            guard archive.format == .oci else {
                throw XArchError(.invalidInput, "\(name) holds one image, not an index; write the index to oci-archive:\(archive.path):TAG")
            }
            guard archive.tag != nil else {
                throw XArchError(.invalidInput, "the index destination \(archive) needs a tag: oci-archive:PATH:TAG")
            }
        }
        switch access {
        case .existing:
            throw XArchError(.unsupported, "\(name) is written whole and cannot be edited in place; edit a layout (oci:PATH:TAG) and copy it into the archive")
        case .ifExists:
            return OpenedDestination(store: nil, tag: archive.tag, storeName: name)
        case .create:
            let store = try ArchiveStaging.begin(archive, hostPlatform: HostPlatform.detect())
            return OpenedDestination(store: store, tag: archive.tag ?? archive.name?.tag, storeName: name)
        }
    }

    /// The tag of a layout destination: optional, or required (there is no default tag in a layout).
    private static func layoutTag(_ layout: LayoutReference, of location: ImageLocation,
                                  _ tags: DestinationTags) throws -> String? {
        switch tags {
        case .optional:
            guard layout.digest == nil else {
                throw XArchError(.invalidInput, "the destination \(location) names a digest; name a tag (oci:PATH:TAG) or nothing")
            }
            return layout.tag
        case .required:
            guard layout.digest == nil, let tag = layout.tag else {
                throw XArchError(.invalidInput, "the index destination \(location) needs a tag and no digest: oci:PATH:TAG")
            }
            return tag
        }
    }
}
