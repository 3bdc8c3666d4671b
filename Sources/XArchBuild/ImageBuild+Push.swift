import XArchContent
import XArchCopy
import XArchModel

/// The registry pushes at the end of a build: the index under each `-t` tag, then `--push-by-digest`.
/// A failure says what already landed, so nobody rebuilds (or trusts) the wrong thing.
struct Pushes {
    let staging: BuildStaging
    /// The index digest, for `-t` pushes and messages.
    let index: Digest
    let resolver: any StoreResolving
    let jobs: Int
    let progress: (@Sendable (BuildEvent) -> Void)?
    /// Where the index was written before the pushes (`--output`).
    let written: [String]

    /// Copies the index to every destination under its tag (`latest` when it names none).
    func tags(_ destinations: [ImageReference]) async throws -> [BuildReport.Destination] {
        var pushed: [BuildReport.Destination] = []
        for destination in destinations {
            do {
                let opened = try resolver.openDestination(.registry(destination), tags: .optional, access: .create)
                guard let store = opened.store else { throw XArchError(.io, "cannot open \(destination)") }
                let report = try await ImageCopy.copy(from: staging, reference: .digest(index), to: store,
                                                      tag: destination.tag ?? ImageReference.defaultTag,
                                                      options: CopyOptions(jobs: jobs),
                                                      progress: ImageBuild.forward(progress, destination.description))
                pushed.append(.init(reference: destination.description, blobsCopied: report.blobs.copied,
                                    blobsMounted: report.blobs.mounted))
            } catch let error as XArchError {
                throw landed(error, done: written + pushed.map(\.reference), missing: "\(destination) has no index tag from this build")
            }
        }
        return pushed
    }

    /// Pushes `root` (`DigestPush.root`) to `repository` by digest, with no tag.
    func byDigest(_ root: Descriptor, to repository: ImageReference,
                  after pushed: [BuildReport.Destination]) async throws -> BuildReport.Destination {
        let reference = try DigestPush.reference(repository, digest: root.digest)
        do {
            let report = try await DigestPush.push(root, from: staging, to: repository, resolver: resolver, jobs: jobs,
                                                   progress: ImageBuild.forward(progress, reference.description))
            return .init(reference: reference.description, blobsCopied: report.blobs.copied,
                         blobsMounted: report.blobs.mounted)
        } catch let error as XArchError {
            throw landed(error, done: written + pushed.map(\.reference), missing: "\(reference) may be incomplete")
        }
    }

    /// What `--metadata-file` says about `root` (the index, or what `--push-by-digest` pushed): where it can
    /// be read by digest — the push by digest, else the first `-t` repository, else the `--output` layout.
    static func metadata(root: Descriptor, platforms: [String], byDigest: BuildReport.Destination?,
                         options: BuildOptions) -> BuildMetadata {
        var reference = byDigest?.reference ?? options.destinations.first.map { "\($0.name)@\(root.digest)" }
            ?? options.output.map { "oci:\($0.path)@\(root.digest)" }
        if reference == nil, let archive = options.archiveOutput, archive.format == .oci {
            reference = "oci-archive:\(archive.path):\(ImageBuild.archiveTag(archive))"
        }
        return BuildMetadata(digest: root.digest, mediaType: root.mediaType, size: root.size, platforms: platforms,
                             reference: reference)
    }

    /// `error`, saying where the index is complete already, when anywhere.
    private func landed(_ error: XArchError, done: [String], missing: String) -> XArchError {
        guard !done.isEmpty else { return error }
        return XArchError(error.code, "\(error.message) (index \(index) is complete in \(done.joined(separator: ", ")); \(missing))",
                          cause: error.cause ?? error)
    }
}
