import XArchContent
import XArchLayout
import XArchModel
import XArchRegistry

extension IndexSource {
    /// The source at `location` (registry repositories use `session`).
    public static func open(_ location: ImageLocation, expectedPlatform: Platform? = nil,
                            session: RegistrySession) throws -> IndexSource {
        let opened = try OpenedImage.open(location, session: session)
        return IndexSource(store: opened.source, reference: opened.reference, name: location.description,
                           expectedPlatform: expectedPlatform)
    }

    /// The sources a template names, one per platform (see `IndexTemplate`).
    public static func templated(_ template: String, platforms: [Platform], session: RegistrySession) throws -> [IndexSource] {
        try IndexTemplate.names(template, platforms: platforms).map { item in
            try open(try ImageLocation(parsing: item.name), expectedPlatform: item.platform, session: session)
        }
    }
}

extension IndexEditor {
    /// `create` to a registry tag or a layout tag. A layout is created when missing (not for a dry run).
    public static func create(_ sources: [IndexSource], destination: ImageLocation, session: RegistrySession,
                              options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let (store, tag) = try openDestination(destination, session: session, create: !options.dryRun)
        return try await create(sources, destination: store, destinationName: Self.storeName(destination), tag: tag,
                                options: options)
    }

    /// `add` to the index a registry tag or layout tag names.
    public static func add(_ sources: [IndexSource], to destination: ImageLocation, session: RegistrySession,
                           options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let (store, tag) = try existing(destination, session: session)
        return try await add(sources, to: store, tag: tag, options: options)
    }

    /// `remove` from the index a registry tag or layout tag names.
    public static func remove(platforms: [Platform], from destination: ImageLocation, session: RegistrySession,
                              options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let (store, tag) = try existing(destination, session: session)
        return try await remove(platforms: platforms, from: store, tag: tag, options: options)
    }

    /// `annotate` the index a registry tag or layout tag names.
    public static func annotate(_ annotation: IndexAnnotation, in destination: ImageLocation, session: RegistrySession,
                                options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let (store, tag) = try existing(destination, session: session)
        return try await annotate(annotation, in: store, tag: tag, options: options)
    }

    /// The store and tag of a destination; nil store for a dry run to a layout that does not exist.
    static func openDestination(_ location: ImageLocation, session: RegistrySession,
                                create: Bool) throws -> ((any ContentStore)?, String) {
        let tag = try destinationTag(location)
        switch location {
        case .layout(let layout):
            if create { return (try OCILayout.openOrCreate(at: layout.path), tag) }
            return ((try? OCILayout.open(at: layout.path)), tag)
        case .registry(let ref):
            return (session.repository(ref), tag)
        }
    }

    /// The store and tag of an index to edit, which must exist.
    static func existing(_ location: ImageLocation, session: RegistrySession) throws -> (any ContentStore, String) {
        let tag = try destinationTag(location)
        switch location {
        case .layout(let layout): return (try OCILayout.open(at: layout.path), tag)
        case .registry(let ref): return (session.repository(ref), tag)
        }
    }

    /// The tag an index is written under: a layout's must be given, a registry's defaults to `latest`;
    /// a digest is refused (the digest follows from the content).
    static func destinationTag(_ location: ImageLocation) throws -> String {
        switch location {
        case .layout(let layout):
            guard layout.digest == nil, let tag = layout.tag else {
                throw XArchError(.invalidInput, "the index destination \(location) needs a tag and no digest: oci:PATH:TAG")
            }
            return tag
        case .registry(let ref):
            guard ref.digest == nil else {
                throw XArchError(.invalidInput, "the index destination \(ref) names a digest; name a tag (the digest follows from the content)")
            }
            return ref.tag ?? ImageReference.defaultTag
        }
    }

    /// `localhost:5000/app`, `oci:/path`: the store of a location, for reports.
    static func storeName(_ location: ImageLocation) -> String {
        switch location {
        case .layout(let layout): return "oci:\(layout.path)"
        case .registry(let ref): return ref.name
        }
    }
}
