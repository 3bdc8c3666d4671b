import ArgumentParser
import Foundation
import XArch
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
            --platform the destination gets a reduced index holding the matching platforms and their attestations.
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

    @Flag(name: .long, help: "Also copy the referrers (signatures, SBOMs, attestations) of the image and of its platforms.")
    var referrers = false

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Source: NAME[:TAG][@DIGEST], docker://…, or oci:PATH[:TAG|@DIGEST].")
    var source: String

    @Argument(help: "Destination: NAME[:TAG] or oci:PATH[:TAG] (default tag: the source's).")
    var destination: String

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
    }

    func execute(_ context: CommandContext) async throws {
        let from = try ImageLocation(parsing: source)
        let to = try ImageLocation(parsing: destination)
        let platforms = try ListOption.platforms(platform)
        let options = CopyOptions(platforms: platforms.isEmpty ? nil : platforms, jobs: jobs,
                                  strictPlatforms: !compatible, force: force, referrers: referrers)
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
