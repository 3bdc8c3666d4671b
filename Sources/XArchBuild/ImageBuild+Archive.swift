import XArchContent
import XArchCopy
import XArchModel

extension ImageBuild {
    /// Writes the build into an archive file (`--output oci-archive:PATH[:TAG]` or
    /// `docker-archive:PATH[:NAME:TAG]`) with the copy engine, as `xarch copy` writes one: staged, then
    /// written whole and renamed into place (`StagedContentSink`), removed again when anything fails.
    /// An `oci-archive` takes the index; a `docker-archive` (`docker save`'s format) holds one image, so
    /// it takes the one platform's image manifest — without attestations, which it cannot hold.
    static func writeArchive(_ archive: ArchiveReference, from staging: BuildStaging, index: Descriptor,
                             images: [ImageAssembler.Assembled], resolver: any StoreResolving, jobs: Int,
                             progress: (@Sendable (BuildEvent) -> Void)?) async throws -> BuildReport.Destination {
        let root = archive.format == .docker ? (images.first?.descriptor.digest ?? index.digest) : index.digest
        let target = try resolver.openDestination(.archive(archive), tags: .optional, access: .create)
        guard let store = target.store else { throw XArchError(.io, "cannot open \(archive)") }
        let name = archive.description
        let (report, _) = try await target.finishing {
            try await ImageCopy.copy(from: staging, reference: .digest(root), to: store, tag: target.tag ?? archiveTag(archive),
                                     options: CopyOptions(jobs: jobs), progress: forward(progress, name))
        }
        return .init(reference: name, blobsCopied: report.blobs.copied)
    }

    /// The tag an archive names the build by: its own, or `latest`.
    static func archiveTag(_ archive: ArchiveReference) -> String {
        archive.tag ?? archive.name?.tag ?? ImageReference.defaultTag
    }

    /// A `docker-archive` holds one image: refused for a build of several platforms, before anything is
    /// built when the platforms are named, else once `--platform all` has found them.
    static func checkArchiveOutput(_ options: BuildOptions, platforms: Int?) throws {
        guard let archive = options.archiveOutput, archive.format == .docker, let platforms, platforms > 1 else { return }
        throw XArchError(.invalidInput, "\(archive) holds one platform's image (docker save's format), and this build has \(platforms); build one --platform for it, or write every platform to oci-archive:\(archive.path):TAG")
    }
}
