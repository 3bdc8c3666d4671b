import XArchContent
import XArchModel

/// `xarch copy`: copies an image or a whole index between any two stores (registry or layout, either
/// side), written only against `ContentSource` and `ContentSink` (never a concrete store), as a graph
/// walk: children before parents, manifests last and unchanged.
///
/// 1. The source root is looked up (`manifestDescriptor`) and so is the destination tag. When both name
///    the same digest, no filter is given and `force` is off, the copy stops there: it costs exactly
///    those two lookups (`CopyReport.upToDate`).
/// 2. The root is fetched by that digest (so a tag moved meanwhile cannot mix two versions). For an
///    index a platform filter keeps the matching entries and their attestations (`select`), which may
///    make a reduced index — the only new content a copy creates, encoded by `CanonicalJSON`; everything
///    else keeps its exact bytes and digest. A filter that keeps nothing is a `.checkFailed` error
///    naming the platforms requested and those that exist, as is a single image of another platform.
/// 3. The graph is walked (`CopyWalker`), deduplicated by digest and pruned where the destination has a
///    manifest already; foreign layers (non-distributable with `urls`) are left out, as skopeo and
///    crane do by default.
/// 4. Blobs are skipped when present, mounted when the destination can mount from the source's
///    repository, streamed otherwise; each manifest is written after its content and the root last,
///    under the tag, in a bounded task group (`CopyScheduler`). The first error cancels the rest, and
///    the tag is then never written.
/// 5. With `CopyOptions.referrers`, the referrers of the root and its entries follow, even when the
///    image was up to date (`copyReferrers`).
///
/// With `CopyOptions.compression`, step 2 is followed by a rewrite (`CopyRecompression`): the layers
/// in another compression are re-encoded into spool files first, and the new manifests and indexes
/// take the place of the old in the walk; the up-to-date shortcut then compares the rewritten root.
///
/// The destination is always written under a tag: `tag`, else the source's tag. Writing an untagged
/// root (by digest) is not offered yet, because a layout needs to record such a root in its
/// `index.json` while a registry needs nothing; see the capability proposed with this engine.
public enum ImageCopy {
    /// Blobs smaller than this (1 MiB) are scheduled before larger ones.
    public static let smallBlobLimit: Int64 = 1 << 20

    /// Copies `reference` of `source` to `destination` under `tag` (nil: the source's tag). `progress`
    /// is called from several tasks at once.
    public static func copy(from source: any ContentSource, reference: ManifestReference,
                            to destination: any ContentStore, tag: String?, options: CopyOptions = CopyOptions(),
                            progress: (@Sendable (CopyEvent) -> Void)? = nil) async throws -> CopyReport {
        let clock = ContinuousClock(), start = clock.now
        let sourceName = describe(source.displayName, reference)
        let tag = try destinationTag(tag, reference: reference, sourceName: sourceName)
        try validate(options)
        let counters = CopyRequestCounters(source: source, destination: destination)
        let before = await counters.snapshot()
        guard let rootDescriptor = try await source.manifestDescriptor(reference) else {
            throw XArchError(.notFound, "\(sourceName) does not exist: the source has no manifest with that \(reference.isTag ? "tag" : "digest")")
        }
        let existing = try await destination.manifestDescriptor(.tag(tag))
        var report = CopyReport(source: source.displayName, reference: reference.description,
                                destination: destination.displayName, tag: tag,
                                digest: rootDescriptor.digest.description, mediaType: rootDescriptor.mediaType.rawValue,
                                destinationDigest: rootDescriptor.digest.description, upToDate: false, platforms: [],
                                blobs: .init(), manifests: .init(), filteredIndexDigest: nil, nonDistributableSkipped: [],
                                requests: nil, durationSeconds: 0)
        var walker = CopyWalker(source: source, destination: destination, options: options, sourceName: sourceName)
        var copied: ManifestDocument?
        if !options.force, options.platforms == nil, options.compression == nil, existing?.digest == rootDescriptor.digest {
            report.upToDate = true
        } else {
            let root = try await fetchRoot(rootDescriptor, walker: walker)
            var chosen = try await choose(root, walker: walker, filter: options.platforms.map {
                CopyPlatformFilter($0, strict: options.strictPlatforms)
            })
            report.platforms = chosen.platforms
            var recompressor: LayerRecompressor?
            defer { recompressor?.removeSpool() }
            if let encoding = options.compression {
                let made = LayerRecompressor(source: source, encoding: encoding, sourceName: sourceName, jobs: options.jobs)
                recompressor = made
                try made.prepare()
                let rewritten = try await CopyRecompression(recompressor: made, jobs: options.jobs, sourceName: sourceName,
                                                            progress: progress).rewrite(chosen.document, prefetched: chosen.prefetched)
                var documents = rewritten.documents
                documents[rewritten.document.digest] = rewritten.document
                chosen.document = rewritten.document
                chosen.prefetched.merge(documents) { _, new in new }
                walker = CopyWalker(source: RecompressedSource(base: source, documents: documents, recompressor: made),
                                    destination: destination, options: options, sourceName: sourceName)
                report.recompression = CopyReport.Recompression(
                    compression: encoding.compression.rawValue, level: encoding.level, layers: rewritten.layers.count,
                    bytesBefore: rewritten.layers.values.reduce(0) { $0 + $1.before },
                    bytesAfter: rewritten.layers.values.reduce(0) { $0 + $1.after })
            }
            report.destinationDigest = chosen.document.digest.description
            report.filteredIndexDigest = chosen.reduced ? chosen.document.digest.description : nil
            copied = chosen.document
            if !options.force, existing?.digest == chosen.document.digest {
                report.upToDate = true
            } else {
                let plan = try await walker.plan(root: chosen.document, prefetched: chosen.prefetched)
                try await run(plan, tag: tag, walker: walker, progress: progress, report: &report)
            }
        }
        if options.referrers {
            let root: ManifestDocument
            if let copied { root = copied } else { root = try await fetchRoot(rootDescriptor, walker: walker) }
            try await copyReferrers(of: root, walker: walker, report: &report)
        }
        report.requests = await counters.difference(since: before)
        report.durationSeconds = (clock.now - start).seconds
        return report
    }

    /// Writes `plan`, counting what happened into `report`; the root under `tag` (nil: by digest).
    package static func run(_ plan: CopyPlan, tag: String?, walker: CopyWalker, progress: (@Sendable (CopyEvent) -> Void)?,
                    report: inout CopyReport) async throws {
        progress?(.planned(blobs: plan.blobs.count, bytes: plan.blobBytes, manifests: plan.manifests.count + plan.present.count))
        report.nonDistributableSkipped = plan.nonDistributable.map(\.digest.description)
        for present in plan.present {
            report.count(manifest: .skipped)
            progress?(.manifestDone(present, .skipped, tag: nil))
        }
        let transfer = CopyTransfer(source: walker.source, destination: walker.destination,
                                    force: walker.options.force, progress: progress)
        var counts = report
        try await CopyScheduler(plan: plan, rootTag: tag).run(limit: walker.options.jobs, work: transfer.perform) { job, result in
            switch job {
            case .blob: counts.count(blob: result.outcome, bytes: result.bytes)
            case .manifest: counts.count(manifest: result.outcome)
            }
        }
        report = counts
    }

    /// The root, fetched by the digest its lookup gave and checked against it.
    static func fetchRoot(_ descriptor: Descriptor, walker: CopyWalker) async throws -> ManifestDocument {
        let fetched = try await walker.source.manifest(.digest(descriptor.digest))
        let expected = Descriptor(mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size)
        do {
            return try ManifestDocument(bytes: fetched.bytes, expected: expected)
        } catch let error as XArchError {
            throw XArchError(error.code, "\(walker.sourceName): \(error.message)", cause: error)
        }
    }

    /// What to copy of `root`: the index as the filter leaves it, or the image once its platform is
    /// checked.
    static func choose(_ root: ManifestDocument, walker: CopyWalker, filter: CopyPlatformFilter?) async throws -> CopySelection {
        switch root.content {
        case .index(let index):
            let selection = try await walker.select(root, index: index, filter: filter)
            if let filter, selection.kept == 0 {
                let have = selection.available.isEmpty ? "no platforms at all" : selection.available.joined(separator: ", ")
                throw XArchError(.checkFailed, "\(walker.sourceName) has no image for \(filter.description) (it has: \(have)); nothing was copied")
            }
            return selection
        case .image:
            let platform = try await walker.configPlatform(of: root)
            let name = platform?.formatted ?? "unknown"
            if let filter, !(platform.map(filter.accepts) ?? false) {
                throw XArchError(.checkFailed, "\(walker.sourceName) is a single image for \(name), not for \(filter.description); nothing was copied")
            }
            return CopySelection(document: root, reduced: false, platforms: [name], available: [name], kept: 1)
        }
    }

    static func destinationTag(_ tag: String?, reference: ManifestReference, sourceName: String) throws -> String {
        if let tag { return tag }
        if case .tag(let sourceTag) = reference { return sourceTag }
        throw XArchError(.invalidInput, "copying \(sourceName) needs a destination tag: the source is named by digest, so name a tag for the destination")
    }

    static func validate(_ options: CopyOptions) throws {
        guard options.jobs >= 1 else {
            throw XArchError(.invalidInput, "the number of parallel jobs must be at least 1, not \(options.jobs)")
        }
        if options.referrers, let encoding = options.compression {
            throw XArchError(.invalidInput, "--referrers cannot go with --compression \(encoding.compression.rawValue): the recompressed images get new digests, and their signatures, SBOMs and attestations name the old ones; copy the referrers without recompressing, or recompress without them")
        }
        if let platforms = options.platforms, platforms.isEmpty {
            throw XArchError(.invalidInput, "the platform filter names no platform; name at least one, or give none to copy every platform")
        }
    }

    /// `oci:/dir:tag`, `localhost:5000/app@sha256:…`.
    static func describe(_ store: String, _ reference: ManifestReference) -> String {
        switch reference {
        case .tag(let tag): return "\(store):\(tag)"
        case .digest(let digest): return "\(store)@\(digest)"
        }
    }
}

extension ManifestReference {
    fileprivate var isTag: Bool { if case .tag = self { return true } else { return false } }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
