import XArchContent
import XArchCopy
import XArchModel

/// `xarch build --push-by-digest REPO`: the build's root is written to the repository by digest only,
/// with no tag (distribution-spec, "Pushing Manifests": `PUT /v2/<name>/manifests/<digest>`), the way
/// buildx's `push-by-digest=true` leaves per-runner builds for a later merge.
///
/// The root is **the image manifest itself when the build has one platform** (and no `--provenance`),
/// else the index — with `--provenance` the index carries the attestation beside the image, and
/// `index create` keeps attestations of the indexes it merges. Without attestations, an index around it would be
/// one more manifest for `index create` to read and flatten, and one more digest for users to tell
/// from the image's. The manifest is what a pull of that platform gets, and what the merged index
/// names, so the digest printed here is the one that ends up in the index.
enum DigestPush {
    /// The root to push: the only image's manifest (its descriptor without the platform, as a root
    /// has none), else the index.
    static func root(images: [ImageAssembler.Assembled], index: Descriptor) -> Descriptor {
        guard images.count == 1, var image = images.first?.descriptor else { return index }
        image.platform = nil
        return image
    }

    /// Copies `root` and everything below it from `staging` into `repository`, children first and the
    /// root last, every manifest by digest: blobs the repository has are skipped, base layers mounted
    /// where the registry allows it. Returns the counts of the copy.
    static func push(_ root: Descriptor, from staging: any ContentSource, to repository: ImageReference,
                     resolver: any StoreResolving, jobs: Int,
                     progress: (@Sendable (CopyEvent) -> Void)?) async throws -> CopyReport {
        let opened = try resolver.openDestination(.registry(repository), tags: .optional, access: .create)
        guard let store = opened.store else { throw XArchError(.io, "cannot open \(repository.name)") }
        let walker = CopyWalker(source: staging, destination: store, options: CopyOptions(jobs: jobs),
                                sourceName: "the build")
        // childPlan, not plan: a root the repository has already is only noted (nothing to write, as
        // there is no tag to move), and the scheduler writes every manifest by digest (tag nil).
        let plan = try await walker.childPlan(root, prefetched: [:], depth: 0)
        var report = CopyReport(blobs: .init(), manifests: .init())
        try await ImageCopy.run(plan, tag: nil, walker: walker, progress: progress, report: &report)
        return report
    }

    /// `REPO@DIGEST` (the registry, repository and digest; no tag).
    static func reference(_ repository: ImageReference, digest: Digest) throws -> ImageReference {
        try ImageReference(registry: repository.registry, repository: repository.repository, digest: digest)
    }
}
