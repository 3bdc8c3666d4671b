import XArchContent
import XArchCopy
import XArchModel

/// `xarch index create|add|remove|annotate`: assembles and edits image indexes (image-index.md),
/// written only against the content protocols, never a concrete store.
///
/// `create` merges sources — images or indexes, in registries or layouts — into one index:
/// 1. Each source is read with one GET (its digest comes from the bytes); an index is flattened into
///    its platform entries, each with the attestations describing it (`IndexEntries`); nested indexes
///    are flattened too. An entry's platform is its descriptor's, else its config's (one more GET); an
///    image source's platform is its config's.
/// 2. `IndexAssembly` filters, refuses duplicate platforms and what a Docker manifest list cannot hold,
///    and encodes the new index with `CanonicalJSON` — the only new content; children are referenced
///    by digest and keep their bytes.
/// 3. `IndexPush` brings the children in with the copy engine, then writes the index under the tag.
///
/// The edits read the index the tag names, change it, and write the result under the same tag (see
/// `IndexEditor+Edits.swift`).
public enum IndexEditor {
    /// Merges `sources` into a new index written to `destination` under `tag`. A nil destination is
    /// allowed for a dry run only (a layout that does not exist yet); `destinationName` names it then.
    public static func create(_ sources: [IndexSource], destination: (any ContentStore)?, destinationName: String? = nil,
                              tag: String, options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        guard !sources.isEmpty else {
            throw XArchError(.invalidInput, "name at least one source image or index to put in the index")
        }
        let run = try IndexRun(destination: destination, name: destinationName, options: options,
                               sources: sources.map(\.store))
        let before = await run.counters.snapshot()
        let resolved = try await resolve(sources, jobs: options.jobs)
        let selection = try IndexAssembly.select(resolved.flatMap(\.members), options: options, format: options.format)
        let manifests = IndexAssembly.manifests(members: selection.members, dropAttestations: options.dropAttestations)
        let document = try IndexAssembly.document(manifests: manifests, base: nil, format: options.format,
                                                  annotations: options.annotations)
        var report = run.report("create", tag: tag, document: document, members: selection.members)
        report.droppedAttestations = selection.droppedAttestations + resolved.reduce(0) { $0 + $1.orphanAttestations }
        report.repeats = selection.repeats
        try await run.write(document, tag: tag, needs: needs(selection.members, resolved, attestations: !options.dropAttestations),
                            report: &report)
        return await run.finish(report, since: before)
    }

    /// Reads every source (at most `jobs` at once).
    static func resolve(_ sources: [IndexSource], jobs: Int) async throws -> [ResolvedSource] {
        try await BoundedConcurrency.map(sources, limit: jobs) { try await $0.resolve(jobs: jobs) }
    }

    /// What each source must provide: the kept entries that came from it and their attestations.
    static func needs(_ members: [IndexMember], _ resolved: [ResolvedSource], attestations: Bool = true) -> [IndexPush.Need] {
        var kept = Set<Digest>()
        for member in members {
            kept.insert(member.descriptor.digest)
            if attestations { member.attestations.forEach { kept.insert($0.digest) } }
        }
        return resolved.map { source in
            let all = source.members.flatMap { [$0.descriptor] + $0.attestations }
            return IndexPush.Need(source: source, descriptors: all.filter { kept.contains($0.digest) })
        }
    }
}

/// One run of an index operation: the destination, the request counters, the clock.
struct IndexRun {
    let destination: (any ContentStore)?
    let name: String
    let options: IndexOptions
    let counters: CopyRequestCounters
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    init(destination: (any ContentStore)?, name: String?, options: IndexOptions, sources: [any ContentSource]) throws {
        guard options.jobs >= 1 else {
            throw XArchError(.invalidInput, "the number of parallel jobs must be at least 1, not \(options.jobs)")
        }
        if let platforms = options.platforms, platforms.isEmpty {
            throw XArchError(.invalidInput, "the platform filter names no platform; name at least one, or give none to keep every platform")
        }
        guard destination != nil || options.dryRun else {
            throw XArchError(.invalidInput, "no destination to write the index to")
        }
        self.destination = destination
        self.name = name ?? destination?.displayName ?? "the destination"
        self.options = options
        counters = CopyRequestCounters(stores: sources + (destination.map { [$0] } ?? []))
        start = clock.now
    }

    /// A report of `document`, before anything is written.
    func report(_ operation: String, tag: String, document: ManifestDocument, members: [IndexMember]) -> IndexReport {
        IndexReport(operation: operation, destination: name, tag: tag, mediaType: document.mediaType.rawValue,
                    digest: document.digest.description, size: document.descriptor.size, previousDigest: nil,
                    unchanged: false, dryRun: options.dryRun,
                    platforms: members.map { IndexReport.Entry($0, dropAttestations: options.dropAttestations) },
                    removed: [], droppedAttestations: 0, repeats: 0, blobs: .init(), manifests: .init(), requests: nil,
                    durationSeconds: 0, document: String(decoding: document.bytes, as: UTF8.self))
    }

    /// Brings the children in and writes the index, unless this is a dry run.
    func write(_ document: ManifestDocument, tag: String, needs: [IndexPush.Need], report: inout IndexReport) async throws {
        guard !options.dryRun, let destination else { return }
        try await IndexPush(destination: destination, jobs: options.jobs, referrers: options.referrers)
            .push(document, tag: tag, needs: needs, report: &report)
    }

    func finish(_ report: IndexReport, since before: [String: Int]?) async -> IndexReport {
        var report = report
        report.requests = await counters.difference(since: before)
        let elapsed = (clock.now - start).components
        report.durationSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return report
    }
}
