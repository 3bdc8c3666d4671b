import ArgumentParser
import XArch
import XArchIndex
import XArchModel

/// `xarch index remove DST --platform P,…`.
struct IndexRemoveCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove platforms (and their attestations) from an index, in place.",
        discussion: """
            Entries whose platform is one of --platform (exactly: linux/arm64 removes linux/arm64/v8, not \
            linux/arm/v7) go, with the attestation entries describing them; the result is written under the \
            same tag and the old digest printed. Exit 3 when the index has no such platform.
            """
    )

    @OptionGroup var output: FormatOption

    @Option(name: .long, help: ArgumentHelp("The platforms to remove (comma-separated or repeated).", valueName: "platform"))
    var platform: [String] = []

    @OptionGroup var target: IndexEditTarget

    func validate() throws {
        guard !platform.isEmpty else { throw ValidationError("name the platforms to remove with --platform") }
    }

    func execute(_ context: CommandContext) async throws {
        let platforms = try IndexKeyValue.platforms(platform)
        let report = try await target.registry.withResolver { resolver in
            try await IndexEditor.remove(platforms: platforms, from: try target.location, resolver: resolver,
                                         options: IndexOptions(dryRun: target.dryRun))
        }
        try IndexSummary.output(report, format: output.format, context)
    }
}
