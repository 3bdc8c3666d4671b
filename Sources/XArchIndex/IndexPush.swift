import XArchContent
import XArchCopy
import XArchModel

/// Writes an index complete by construction: every child is in the destination before the index is.
///
/// Children are brought in by the copy engine (`CopyWalker`, `CopyScheduler`, `CopyTransfer`), one
/// source at a time, written by digest: a child the destination has is skipped after one lookup; blobs
/// are mounted within a registry and streamed across registries. Children that come from the
/// destination repository (or layout) itself are there by definition and cost no request at all. With
/// `referrers`, the referrers of the children brought in follow them. The index is written last, under the
/// tag, and never when anything before it failed.
struct IndexPush {
    let destination: any ContentStore
    let jobs: Int
    /// Bring along the referrers of the children brought in (`IndexOptions.referrers`).
    var referrers = false

    /// What one source must provide: its entries that the index names.
    struct Need: Sendable {
        let source: ResolvedSource
        let descriptors: [Descriptor]
    }

    /// Brings the children in, then writes `document` under `tag`; counts go into `report`.
    func push(_ document: ManifestDocument, tag: String, needs: [Need], report: inout IndexReport) async throws {
        var handled = Set<Digest>()
        for need in needs where !Self.sameStore(need.source.source.store, destination) {
            let descriptors = need.descriptors.filter { handled.insert($0.digest).inserted }
            guard !descriptors.isEmpty else { continue }
            let walker = CopyWalker(source: need.source.source.store, destination: destination,
                                    options: CopyOptions(jobs: jobs), sourceName: need.source.source.name)
            let plans = try await BoundedConcurrency.map(descriptors, limit: jobs) { descriptor in
                try await walker.childPlan(descriptor, prefetched: need.source.documents)
            }
            var plan = CopyPlan()
            plans.forEach { plan.merge($0) }
            var counts = CopyReport(blobs: report.blobs, manifests: report.manifests)
            try await ImageCopy.run(plan, tag: nil, walker: walker, progress: nil, report: &counts)
            if referrers {
                // Every child is in the destination now: the referrers naming them can follow.
                let brought = try await ImageCopy.copyReferrers(of: descriptors.map(\.digest), walker: walker, report: &counts)
                report.referrers = (report.referrers ?? []) + brought
            }
            report.blobs = counts.blobs
            report.manifests = counts.manifests
        }
        try await destination.putManifest(document.descriptor, bytes: document.bytes, tag: tag)
    }

    /// Whether two stores are one repository of one registry, or one layout: content of one is in the
    /// other by definition. Stores that cannot say which store they are (`StoreIdentifying`) are never
    /// the same.
    static func sameStore(_ a: any ContentSource, _ b: any ContentSource) -> Bool {
        guard let a = a as? any StoreIdentifying, let b = b as? any StoreIdentifying else { return false }
        return a.storeIdentity == b.storeIdentity
    }
}
