import XArchContent
import XArchCopy
import XArchModel

/// One source of `index create` or `index add`: an image or an index in a registry repository or a
/// layout.
public struct IndexSource: Sendable {
    public let store: any ContentSource
    /// The manifest meant; nil: the only manifest of a layout.
    public let reference: ManifestReference?
    /// The source as the user wrote it, for messages and the report.
    public let name: String
    /// The platform a template (or a build's metadata file) named this source for; the source must hold
    /// an image of it.
    public let expectedPlatform: Platform?
    /// What named `expectedPlatform`, for the error when the source holds another: the metadata file it
    /// came from; nil: a template.
    public var expectedBy: String?

    public init(store: any ContentSource, reference: ManifestReference?, name: String, expectedPlatform: Platform? = nil) {
        self.store = store
        self.reference = reference
        self.name = name
        self.expectedPlatform = expectedPlatform
    }
}

/// A platform entry for the new index, with the attestations that describe it.
struct IndexMember: Sendable {
    /// The entry as the new index writes it: the source index's descriptor unchanged, or for an image
    /// its media type, digest and size, with the platform its config declares.
    var descriptor: Descriptor
    /// The platform judged: the descriptor's, else the config's.
    var platform: Platform?
    /// `descriptor`, `config` or `none`.
    var platformSource: PlatformSource
    /// Attestation entries (`IndexEntries`) whose subject is this entry, unchanged.
    var attestations: [Descriptor] = []
    /// The source it came from (`IndexSource.name`, or the destination for entries already there).
    var sourceName: String
    /// For an entry of an edited index: its position there.
    var position: Int?

    /// `linux/arm64/v8`, or `unknown`.
    var platformName: String { platform?.formatted ?? "unknown" }
}

/// A source with its root read and its entries found.
struct ResolvedSource: Sendable {
    let source: IndexSource
    let root: ManifestDocument
    var members: [IndexMember]
    /// Manifests read on the way (children without a platform, nested indexes), for the copy walk.
    var documents: [Digest: ManifestDocument]
    /// Attestation entries that describe no entry of their index, left out.
    var orphanAttestations: Int
}

extension IndexSource {
    /// Nested indexes are flattened this deep at most.
    static let maxDepth = ImageIndex.maximumNesting

    /// Reads the root with one request (a GET by tag or digest: its digest comes from the bytes) and
    /// finds its entries: an image is one entry whose platform its config gives; an index gives its
    /// platform entries (nested indexes flattened) with their attestations, a platform read from the
    /// config only where the descriptor has none. With `expectedPlatform`, entries of other platforms
    /// are left out and an image of another platform is an error.
    func resolve(jobs: Int) async throws -> ResolvedSource {
        let root = try await OpenedImage(source: store, reference: reference, name: name).root()
        var resolved = ResolvedSource(source: self, root: root, members: [], documents: [:], orphanAttestations: 0)
        switch root.content {
        case .image:
            let platform = try await platform(of: root)
            var descriptor = Descriptor(mediaType: root.mediaType, digest: root.digest, size: root.descriptor.size)
            descriptor.platform = platform
            resolved.members = [IndexMember(descriptor: descriptor, platform: platform, platformSource: .config, sourceName: name)]
            resolved.documents[root.digest] = root
        case .index(let index):
            try await flatten(index, depth: 1, jobs: jobs, into: &resolved)
        }
        if let expected = expectedPlatform { try keep(expected, in: &resolved) }
        return resolved
    }

    /// The entries of `index`, nested indexes replaced by their own entries.
    private func flatten(_ index: ImageIndex, depth: Int, jobs: Int, into resolved: inout ResolvedSource) async throws {
        let entries = IndexEntries(index)
        resolved.orphanAttestations += entries.orphanAttestations.count
        let judged = try await BoundedConcurrency.map(entries.platforms, limit: jobs) { entry in
            try await judge(entry.descriptor)
        }
        for (entry, (member, document)) in zip(entries.platforms, judged) {
            if let document { resolved.documents[document.digest] = document }
            if let nested = document?.index, member == nil {
                guard depth < Self.maxDepth else {
                    throw XArchError(.unsupported, "\(name): indexes are nested more than \(Self.maxDepth) deep; xarch does not flatten that far")
                }
                try await flatten(nested, depth: depth + 1, jobs: jobs, into: &resolved)
                continue
            }
            guard var member else { continue }
            member.attestations = entries.attestations(of: entry.descriptor.digest).map(\.descriptor)
            resolved.members.append(member)
        }
    }

    /// One platform entry: a member (with the child read when its platform had to come from its
    /// config), or a nested index to flatten (no member, the index document).
    private func judge(_ descriptor: Descriptor) async throws -> (IndexMember?, ManifestDocument?) {
        let type = descriptor.mediaType.essence
        if type.isIndex {
            return (nil, try await CopyWalker.fetchChild(descriptor, from: store, sourceName: name))
        }
        guard type.isImageManifest else {
            throw XArchError(.unsupported, "\(name): entry \(descriptor.digest) has media type \(descriptor.mediaType), which is neither an image manifest nor an index; xarch cannot put it in an index")
        }
        if case (let platform?, .descriptor) = PlatformSource.platform(of: descriptor, config: nil) {
            return (IndexMember(descriptor: descriptor, platform: platform, platformSource: .descriptor, sourceName: name), nil)
        }
        let child = try await CopyWalker.fetchChild(descriptor, from: store, sourceName: name)
        var entry = descriptor
        let declared = try await platform(of: child)
        let (judged, source) = PlatformSource.platform(of: descriptor, config: declared)
        entry.platform = judged
        return (IndexMember(descriptor: entry, platform: judged, platformSource: source, sourceName: name), child)
    }

    /// The platform an image's config declares; an error when it declares none.
    private func platform(of document: ManifestDocument) async throws -> Platform {
        let platform = try await CopyWalker.configPlatform(of: document, from: store, sourceName: name)
        guard let platform, !platform.os.isEmpty, !platform.architecture.isEmpty else {
            throw XArchError(.invalidInput, "\(name): cannot tell the platform of \(document.digest): its config names no os and architecture (is it an artifact rather than an image?)")
        }
        return platform
    }

    /// The platform entries of an index being edited, as they are (nested indexes are not flattened),
    /// with their positions and attestations; a platform is read from the config only for an image
    /// manifest whose descriptor has none, and is not written into the descriptor.
    func existingMembers(of index: ImageIndex, jobs: Int) async throws -> [IndexMember] {
        let entries = IndexEntries(index)
        return try await BoundedConcurrency.map(entries.platforms, limit: jobs) { entry in
            let d = entry.descriptor
            let (platform, source) = PlatformSource.platform(of: d, config: nil)
            var member = IndexMember(descriptor: d, platform: platform, platformSource: source,
                                     sourceName: name, position: entry.position)
            if PlatformSource.needsConfig(d), let judged = try await judge(d).0 {
                member.platform = judged.platform
                member.platformSource = judged.platformSource
            }
            member.attestations = entries.attestations(of: d.digest).map(\.descriptor)
            return member
        }
    }

    /// Keeps the entries of `expected` (`IndexPlatformFilter`).
    private func keep(_ expected: Platform, in resolved: inout ResolvedSource) throws {
        let filter = IndexPlatformFilter([expected])
        let all = resolved.members
        resolved.members = all.filter { $0.platform.map(filter.accepts) ?? false }
        guard resolved.members.isEmpty else { return }
        let have = all.map(\.platformName).joined(separator: ", ")
        let what = resolved.root.index == nil ? "is an image for \(have)" : "has no image for it (it has: \(have))"
        let advice = expectedBy == nil ? "push the right image under that name" : "is the file from another build's artifact?"
        throw XArchError(.checkFailed, "\(name) was named for \(expected.formatted) by \(expectedBy ?? "the template") but \(what); \(advice)")
    }
}
