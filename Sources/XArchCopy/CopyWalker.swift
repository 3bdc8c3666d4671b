import XArchContent
import XArchModel

/// The graph walk of a copy (as go-containerregistry's and regclient's copies walk): root → children by media type → image manifests →
/// config and layers, deduplicated by digest, pruned where the destination already has a manifest.
///
/// A manifest the destination has is trusted to have its children too, as registries (which refuse a
/// manifest whose blobs are missing) and layouts (see `OCILayout.putManifest`) guarantee; its content is
/// neither fetched nor walked. `CopyOptions.force` turns this off. The walk fetches only manifests (and,
/// for a platform filter, the configs of entries without a platform), `jobs` at a time per index.
package struct CopyWalker: Sendable {
    package let source: any ContentSource
    package let destination: any ContentStore
    package let options: CopyOptions
    /// The source and reference, for messages (`oci:/dir:tag`).
    package let sourceName: String

    /// A walk from `source` to `destination`; `sourceName` names the source in messages.
    package init(source: any ContentSource, destination: any ContentStore, options: CopyOptions, sourceName: String) {
        self.source = source
        self.destination = destination
        self.options = options
        self.sourceName = sourceName
    }

    /// Largest image config read to learn an entry's platform.
    static let maxConfigSize = OpenedImage.maxConfigSize

    /// The plan for `root`: its whole subtree, or only the root itself when the destination has it
    /// (it is written again, under the tag).
    func plan(root: ManifestDocument, prefetched: [Digest: ManifestDocument]) async throws -> CopyPlan {
        if !options.force, try await destination.manifestDescriptor(.digest(root.digest)) != nil {
            var plan = CopyPlan()
            plan.add(CopyManifest(root))
            return plan
        }
        return try await walk(root, prefetched: prefetched)
    }

    /// The subtree of a manifest the destination lacks. `prefetched` holds documents already read (or
    /// made: reduced nested indexes), by digest.
    func walk(_ document: ManifestDocument, prefetched: [Digest: ManifestDocument], depth: Int = 0) async throws -> CopyPlan {
        var plan = CopyPlan()
        var node = CopyManifest(document)
        switch document.content {
        case .image(let manifest):
            for blob in [manifest.config] + manifest.layers {
                if blob.mediaType.isNonDistributable, !(blob.urls ?? []).isEmpty {
                    plan.add(foreign: blob)
                } else {
                    plan.add(blob: blob)
                    node.blobs.append(blob.digest)
                }
            }
        case .index(let index):
            guard depth <= ImageIndex.maximumNesting else {
                throw XArchError(.unsupported, "\(sourceName): indexes are nested more than \(ImageIndex.maximumNesting) deep (at \(document.descriptor.digest)); xarch does not follow them further")
            }
            var seen = Set<Digest>()
            let children = index.manifests.filter { seen.insert($0.digest).inserted }
            let subplans = try await BoundedConcurrency.map(children, limit: options.jobs) { child in
                try await childPlan(child, prefetched: prefetched, depth: depth + 1)
            }
            subplans.forEach { plan.merge($0) }
            node.children = children.map(\.digest).filter(plan.writes)
        }
        plan.add(node)
        return plan
    }

    /// The subtree of an index entry: nothing but a note when the destination has it.
    package func childPlan(_ descriptor: Descriptor, prefetched: [Digest: ManifestDocument], depth: Int = 1) async throws -> CopyPlan {
        guard descriptor.mediaType.essence.isManifest else {
            throw XArchError(.unsupported, "\(sourceName): index entry \(descriptor.digest) has media type \(descriptor.mediaType), which is neither an image manifest nor an index; xarch cannot copy it")
        }
        if !options.force, try await destination.manifestDescriptor(.digest(descriptor.digest)) != nil {
            var plan = CopyPlan()
            plan.add(present: descriptor)
            return plan
        }
        let document: ManifestDocument
        if let known = prefetched[descriptor.digest] { document = known } else { document = try await fetchChild(descriptor) }
        return try await walk(document, prefetched: prefetched, depth: depth)
    }

    /// A child manifest, checked against the descriptor that names it: digest, size, and a media type
    /// its content does not contradict (`ManifestDocument(bytes:expected:)`).
    func fetchChild(_ descriptor: Descriptor) async throws -> ManifestDocument {
        try await Self.fetchChild(descriptor, from: source, sourceName: sourceName)
    }

    /// The platform an image manifest's config declares; nil when its config is not an image config
    /// (an artifact), which no platform filter can match.
    func configPlatform(of document: ManifestDocument) async throws -> Platform? {
        try await Self.configPlatform(of: document, from: source, sourceName: sourceName)
    }

    /// `fetchChild` for any source (index assembly reads children without a destination).
    package static func fetchChild(_ descriptor: Descriptor, from source: any ContentSource,
                           sourceName: String) async throws -> ManifestDocument {
        let fetched = try await source.manifest(.digest(descriptor.digest))
        do {
            return try ManifestDocument(bytes: fetched.bytes, expected: descriptor)
        } catch let error as XArchError {
            throw XArchError(error.code, "\(sourceName): index entry \(descriptor.digest): \(error.message)", cause: error)
        }
    }

    /// `configPlatform` for any source.
    package static func configPlatform(of document: ManifestDocument, from source: any ContentSource,
                               sourceName: String) async throws -> Platform? {
        guard let manifest = document.image,
              [MediaType.ociConfig, .dockerConfig].contains(manifest.config.mediaType.essence) else { return nil }
        let bytes = try await source.blob(manifest.config).collect(limit: maxConfigSize)
        let config = try CanonicalJSON.decode(ImageConfig.self, from: bytes,
                                              what: "image config \(manifest.config.digest) of \(sourceName)")
        return config.platform
    }
}
