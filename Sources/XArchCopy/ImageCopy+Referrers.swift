import XArchContent
import XArchModel

/// One referrer a copy brought along (`CopyOptions.referrers`), for `CopyReport.referrers`.
public struct CopiedReferrer: Codable, Sendable, Hashable {
    /// The manifest it refers to.
    public var subject: String
    public var digest: String
    public var mediaType: String
    public var artifactType: String?
    /// How the destination lists it: `registry` (the registry indexed it by its subject: `OCI-Subject`),
    /// `list` (xarch added it to the destination's list: the `sha256-<hex>` tag, a layout's
    /// `index.json`), or `present` (the destination listed it already; nothing was written).
    public var listed: String
}

extension ImageCopy {
    /// Copies the referrers of `root` and of its entries (an index's manifests), and their referrers
    /// in turn (`ReferrerDiscovery`), after the image itself: the content of each referrer as any copy
    /// does, then the referrer manifest by `ReferrersRecording.putReferrer`, then, per subject, the
    /// referrers the store did not list by itself into its list (`addReferrers`). Referrers the
    /// destination lists already are skipped unless `force`.
    static func copyReferrers(of root: ManifestDocument, walker: CopyWalker, report: inout CopyReport) async throws {
        report.referrers = try await copyReferrers(of: [root.digest] + (root.index?.manifests.map(\.digest) ?? []),
                                                   walker: walker, report: &report)
    }

    /// Copies the referrers of the manifests `subjects` (already in the destination), and their referrers
    /// in turn, from `walker`'s source to its destination, as `copy --referrers` does for a root and its
    /// entries; `index create --referrers` calls it for the children it brings from each source. Blob and
    /// manifest counts are added to `report`; returns what was brought (or found listed already).
    package static func copyReferrers(of subjects: [Digest], walker: CopyWalker, report: inout CopyReport) async throws -> [CopiedReferrer] {
        guard let source = walker.source as? any ContentSource & ReferrersListing else {
            throw XArchError(.unsupported, "\(walker.sourceName) cannot list referrers; copy without --referrers")
        }
        guard let recording = walker.destination as? any ReferrersRecording else {
            throw XArchError(.unsupported, "\(walker.destination.displayName) cannot store referrers; copy without --referrers")
        }
        let discovery = ReferrerDiscovery(source: source, sourceName: walker.sourceName, jobs: walker.options.jobs)
        let found = try await discovery.discover(subjects)
        var copied: [CopiedReferrer] = []
        var pending: [FoundReferrer] = []
        let listedAlready = try await destinationLists(found, destination: walker.destination, force: walker.options.force,
                                                       jobs: walker.options.jobs)
        for referrer in found {
            if listedAlready.contains(referrer.document.digest) {
                copied.append(record(referrer, listed: "present"))
            } else {
                pending.append(referrer)
            }
        }
        if !pending.isEmpty {
            let sink = ReferrerSink(store: walker.destination, recording: recording, referrers: Dictionary(
                pending.map { ($0.document.digest, ($0.subject, $0.document.referrerDescriptor)) }) { first, _ in first })
            let referrerWalker = CopyWalker(source: walker.source, destination: sink, options: walker.options,
                                            sourceName: walker.sourceName)
            var plan = CopyPlan()
            for referrer in pending { plan.merge(try await referrerWalker.walk(referrer.document, prefetched: [:])) }
            var counts = CopyReport(blobs: .init(), manifests: .init())
            try await run(plan, tag: nil, walker: referrerWalker, progress: nil, report: &counts)
            report.add(counts)
            // Each list gets its new entries in the order the source lists them (the tasks finish in any order).
            let order = Dictionary(pending.enumerated().map { ($1.document.digest, $0) }) { first, _ in first }
            let unlisted = sink.unlisted.bySubject
            for (subject, entries) in unlisted.sorted(by: { $0.key.description < $1.key.description }) {
                let sorted = entries.sorted { order[$0.digest, default: 0] < order[$1.digest, default: 0] }
                try await recording.addReferrers(sorted, to: subject)
            }
            let viaList = Set(unlisted.values.joined().map(\.digest))
            copied += pending.map { record($0, listed: viaList.contains($0.document.digest) ? "list" : "registry") }
        }
        return copied
    }

    /// The referrers of `found` that the destination lists under their subjects already.
    private static func destinationLists(_ found: [FoundReferrer], destination: any ContentStore, force: Bool,
                                         jobs: Int) async throws -> Set<Digest> {
        guard !force, let listing = destination as? any ReferrersListing else { return [] }
        let subjects = Array(Set(found.map(\.subject))).sorted { $0.description < $1.description }
        let lists = try await BoundedConcurrency.map(subjects, limit: jobs) { subject in
            Set(try await listing.referrers(of: subject).map(\.digest))
        }
        let listed = Dictionary(uniqueKeysWithValues: zip(subjects, lists))
        return Set(found.filter { listed[$0.subject]?.contains($0.document.digest) ?? false }.map(\.document.digest))
    }

    private static func record(_ referrer: FoundReferrer, listed: String) -> CopiedReferrer {
        let entry = referrer.document.referrerDescriptor
        return CopiedReferrer(subject: referrer.subject.description, digest: entry.digest.description,
                              mediaType: entry.mediaType.rawValue, artifactType: entry.artifactType?.rawValue, listed: listed)
    }
}

extension CopyReport {
    /// Adds the blob and manifest counts of `other`.
    mutating func add(_ other: CopyReport) {
        blobs.copied += other.blobs.copied
        blobs.skipped += other.blobs.skipped
        blobs.mounted += other.blobs.mounted
        blobs.bytesCopied += other.blobs.bytesCopied
        manifests.copied += other.manifests.copied
        manifests.skipped += other.manifests.skipped
    }
}
