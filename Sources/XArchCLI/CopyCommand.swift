import ArgumentParser
import Foundation
import XArch
import XArchArchive
import XArchCopy
import XArchModel

/// `xarch copy SRC DST [--platform P,…] [--jobs N]`.
struct CopyCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy an image or a whole multi-platform index between registries and OCI layouts.",
        discussion: """
            Digests are preserved: manifests are copied byte for byte, children before parents, the root last. \
            What the destination already has is skipped (an up-to-date copy costs two HEAD requests); blobs \
            shared by several platforms are transferred once; within one registry they are mounted. With \
            --platform the destination gets a reduced index holding the matching platforms and their attestations. \
            With --compression, layers in another compression are re-encoded (into a temporary directory first): \
            new layer, manifest and index digests, the same diff IDs; a Docker manifest with zstd layers becomes \
            an OCI manifest. The same image and settings always give the same digests.
            """
    )

    @OptionGroup var output: FormatOption

    @Option(name: .long, help: ArgumentHelp(
        "Keep only these platforms (comma-separated or repeated), e.g. linux/amd64,linux/arm64.", valueName: "platform"))
    var platform: [String] = []

    @Flag(name: .long, help: "With --platform, also keep compatible platforms (containerd's Only: arm64 keeps arm/v7).")
    var compatible = false

    @Option(name: .long, help: "Transfers at the same time.")
    var jobs: Int = 4

    @Flag(name: .long, help: "Copy everything again, even what the destination already has.")
    var force = false

    @Option(name: .long, help: ArgumentHelp(
        "Re-encode layers into this compression: zstd (tar+zstd) or gzip (tar+gzip); default: copy bytes unchanged.",
        valueName: "gzip|zstd"))
    var compression: String?

    @Option(name: .customLong("compression-level"), help: ArgumentHelp(
        "Level of re-encoded layers: gzip 1 to 9 (default 6), zstd 1 to 19 (default 3).", valueName: "n"))
    var compressionLevel: Int32?

    @Flag(name: .long, help: "Also copy the referrers (signatures, SBOMs, attestations) of the image and of its platforms.")
    var referrers = false

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Source: NAME[:TAG][@DIGEST], docker://…, oci:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG] or docker-archive:PATH[:NAME:TAG].")
    var source: String

    @Argument(help: "Destination: NAME[:TAG], oci:PATH[:TAG], oci-archive:PATH[:TAG] or docker-archive:PATH[:NAME:TAG] (one platform: --platform or the host's; default tag: the source's).")
    var destination: String

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        if compression == nil, compressionLevel != nil { throw ValidationError("--compression-level needs --compression") }
        if let compression {
            _ = try CompressionOptions.encoding(compression, level: compressionLevel)
            if referrers {
                throw ValidationError("--referrers cannot go with --compression: the recompressed images get new digests, and their signatures, SBOMs and attestations name the old ones")
            }
        }
    }

    func execute(_ context: CommandContext) async throws {
        let from = try ImageLocation(parsing: source)
        let to = try ImageLocation(parsing: destination)
        let platforms = try ListOption.platforms(platform)
        let options = CopyOptions(platforms: platforms.isEmpty ? nil : platforms, jobs: jobs,
                                  strictPlatforms: !compatible, force: force,
                                  compression: try compression.map { try CompressionOptions.encoding($0, level: compressionLevel) },
                                  referrers: referrers)
        let progress = CopyProgress(stream: context.stderr, enabled: context.stderr.isTerminal && output.format == .text)
        var handler: (@Sendable (CopyEvent) -> Void)?
        if progress.enabled {
            handler = { @Sendable event in progress.handle(event) }
        }
        let report: CopyReport = try await registry.withResolver { resolver in
            try await ImageCopy.copy(from: from, to: to, resolver: resolver, options: options, progress: handler)
        }
        progress.finish()
        if output.format == .json { return try context.printJSON(report) }
        CopySummary.print(report, context)
    }
}
