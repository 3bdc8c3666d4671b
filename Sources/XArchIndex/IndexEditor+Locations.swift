import XArchContent
import XArchModel

extension IndexSource {
    /// The source at `location`, opened by `resolver`.
    public static func open(_ location: ImageLocation, expectedPlatform: Platform? = nil,
                            resolver: any StoreResolving) throws -> IndexSource {
        let opened = try resolver.open(location)
        return IndexSource(store: opened.source, reference: opened.reference, name: location.description,
                           expectedPlatform: expectedPlatform)
    }

    /// The sources a template names, one per platform (see `IndexTemplate`).
    public static func templated(_ template: String, platforms: [Platform],
                                 resolver: any StoreResolving) throws -> [IndexSource] {
        try IndexTemplate.names(template, platforms: platforms).map { item in
            try open(try ImageLocation(parsing: item.name), expectedPlatform: item.platform, resolver: resolver)
        }
    }
}

extension IndexEditor {
    /// `create` to a registry tag or a layout tag. A layout is created when missing (not for a dry run).
    public static func create(_ sources: [IndexSource], destination: ImageLocation, resolver: any StoreResolving,
                              options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let target = try resolver.openDestination(destination, tags: .required,
                                                  access: options.dryRun ? .ifExists : .create)
        let tag = try tag(of: target)
        return try await target.finishing {
            try await create(sources, destination: target.store, destinationName: target.storeName, tag: tag, options: options)
        }.0
    }

    /// `add` to the index a registry tag or layout tag names.
    public static func add(_ sources: [IndexSource], to destination: ImageLocation, resolver: any StoreResolving,
                           options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let (store, tag) = try existing(destination, resolver: resolver)
        return try await add(sources, to: store, tag: tag, options: options)
    }

    /// `remove` from the index a registry tag or layout tag names.
    public static func remove(platforms: [Platform], from destination: ImageLocation, resolver: any StoreResolving,
                              options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let (store, tag) = try existing(destination, resolver: resolver)
        return try await remove(platforms: platforms, from: store, tag: tag, options: options)
    }

    /// `annotate` the index a registry tag or layout tag names.
    public static func annotate(_ annotation: IndexAnnotation, in destination: ImageLocation, resolver: any StoreResolving,
                                options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let (store, tag) = try existing(destination, resolver: resolver)
        return try await annotate(annotation, in: store, tag: tag, options: options)
    }

    /// The store and tag of an index to edit, which must exist.
    static func existing(_ location: ImageLocation, resolver: any StoreResolving) throws -> (any ContentStore, String) {
        let target = try resolver.openDestination(location, tags: .required, access: .existing)
        guard let store = target.store else {
            throw XArchError(.notFound, "\(location) does not exist")
        }
        return (store, try tag(of: target))
    }

    /// The tag a resolver read under `DestinationTags.required`, which always names one.
    private static func tag(of target: OpenedDestination) throws -> String {
        guard let tag = target.tag else {
            throw XArchError(.invalidInput, "the index destination \(target.storeName) needs a tag")
        }
        return tag
    }
}
