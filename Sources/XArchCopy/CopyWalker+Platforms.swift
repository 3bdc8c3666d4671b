import XArchContent
import XArchModel

/// Which platforms a filtered copy keeps: containerd `OnlyStrict` or `Only` per requested platform.
struct CopyPlatformFilter: Sendable {
    let requested: [Platform]
    private let matchers: [PlatformMatcher]

    init(_ platforms: [Platform], strict: Bool) {
        requested = platforms.map(\.normalized)
        matchers = requested.map { strict ? .onlyStrict($0) : .only($0) }
    }

    func accepts(_ platform: Platform) -> Bool { matchers.contains { $0.matches(platform) } }

    /// `linux/amd64, linux/arm64`, for messages.
    var description: String { requested.map(\.formatted).joined(separator: ", ") }
}

/// What a filter kept of an index: the index itself when it kept every entry, else a reduced index.
struct CopySelection: Sendable {
    /// The index to copy: the original document, or the reduced one (new content).
    var document: ManifestDocument
    var reduced: Bool
    /// Platforms of the kept entries, formatted, in index order.
    var platforms: [String]
    /// Platforms of every platform entry, formatted (`unknown` when neither descriptor nor config says).
    var available: [String]
    /// Platform entries kept (attestations are not counted).
    var kept: Int
    /// Documents read (or made) while judging, by digest, so the walk does not fetch them again.
    var prefetched: [Digest: ManifestDocument] = [:]
}

extension CopyWalker {
    /// The entries of `document` (an index) the filter keeps (image-index.md, "manifests"): entries
    /// whose platform it accepts — the descriptor's, else the config's, as `Resolution` reads it; nested
    /// indexes without a platform are filtered in turn — and the attestation entries
    /// (`IndexEntries`) whose `vnd.docker.reference.digest` names a kept entry. When something is
    /// dropped, a new index with the same `mediaType`, annotations and unknown fields and the kept
    /// entries in their original order is encoded by `CanonicalJSON`; otherwise the bytes are kept.
    func select(_ document: ManifestDocument, index: ImageIndex, filter: CopyPlatformFilter?) async throws -> CopySelection {
        let entries = IndexEntries(index)
        guard let filter else {
            let platforms = entries.platforms.map { $0.descriptor.platform?.formatted ?? "unknown" }
            return CopySelection(document: document, reduced: false, platforms: platforms, available: platforms,
                                 kept: entries.platforms.count)
        }
        let judged = try await BoundedConcurrency.map(entries.platforms, limit: options.jobs) { entry in
            try await judge(entry.descriptor, filter: filter)
        }
        var selection = CopySelection(document: document, reduced: false, platforms: [],
                                      available: judged.flatMap(\.available), kept: 0)
        var keptDigests = Set<Digest>()
        var replacement: [Int: Descriptor] = [:]
        for (entry, judgement) in zip(entries.platforms, judged) {
            selection.prefetched.merge(judgement.prefetched) { first, _ in first }
            guard judgement.keep else { continue }
            keptDigests.insert(entry.descriptor.digest)
            replacement[entry.position] = judgement.descriptor
            selection.platforms += judgement.platforms
            selection.kept += 1
        }
        var manifests: [Descriptor] = []
        for (position, descriptor) in index.manifests.enumerated() {
            if let kept = replacement[position] {
                manifests.append(kept)
            } else if IndexEntries.isAttestation(descriptor),
                      let target = descriptor.annotations?[AnnotationKey.dockerReferenceDigest].flatMap({ try? Digest(parsing: $0) }),
                      keptDigests.contains(target) {
                manifests.append(descriptor)
            }
        }
        guard manifests != index.manifests else { return selection }
        var reduced = index
        reduced.manifests = manifests
        selection.document = try ManifestDocument(bytes: try CanonicalJSON.encode(reduced), declaredType: document.mediaType,
                                                  digestAlgorithm: document.digest.algorithm)
        selection.reduced = true
        return selection
    }

    /// What the filter makes of one platform entry.
    private struct Judgement: Sendable {
        var keep: Bool
        /// The entry to write in the parent: changed only for a reduced nested index.
        var descriptor: Descriptor
        var platforms: [String]
        var available: [String]
        var prefetched: [Digest: ManifestDocument] = [:]
    }

    private func judge(_ descriptor: Descriptor, filter: CopyPlatformFilter) async throws -> Judgement {
        if let platform = descriptor.platform {
            let name = [platform.formatted]
            return Judgement(keep: filter.accepts(platform), descriptor: descriptor, platforms: name, available: name)
        }
        let type = descriptor.mediaType.essence
        if type.isImageManifest {
            let document = try await fetchChild(descriptor)
            let platform = try await configPlatform(of: document)
            let name = [platform?.formatted ?? "unknown"]
            return Judgement(keep: platform.map(filter.accepts) ?? false, descriptor: descriptor, platforms: name,
                             available: name, prefetched: [descriptor.digest: document])
        }
        guard type.isIndex else {
            return Judgement(keep: false, descriptor: descriptor, platforms: [], available: ["unknown"])
        }
        let document = try await fetchChild(descriptor)
        guard let nested = document.index else {
            return Judgement(keep: false, descriptor: descriptor, platforms: [], available: ["unknown"])
        }
        let selection = try await select(document, index: nested, filter: filter)
        var entry = descriptor
        entry.digest = selection.document.digest
        entry.size = selection.document.descriptor.size
        if selection.reduced { entry.data = nil }
        var prefetched = selection.prefetched
        prefetched[entry.digest] = selection.document
        return Judgement(keep: selection.kept > 0, descriptor: entry, platforms: selection.platforms,
                         available: selection.available, prefetched: prefetched)
    }
}
