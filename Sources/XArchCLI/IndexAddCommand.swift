import ArgumentParser
import XArch
import XArchIndex
import XArchModel

/// `xarch index add DST SRC…`.
struct IndexAddCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add images or indexes to an index, in place.",
        discussion: """
            The entries of each source (an index is flattened, attestations come along) are added after the \
            index's own; the result is written under the same tag and the old digest printed. A platform the \
            index has already is refused, unless --replace (the new entry replaces the old one and its \
            attestations) or --allow-duplicates.
            """
    )

    @OptionGroup var output: FormatOption

    @Option(name: .long, help: ArgumentHelp("Add only these platforms of the sources (comma-separated or repeated).",
                                            valueName: "platform"))
    var platform: [String] = []

    @Flag(name: .long, help: "A new entry of a platform the index has replaces the old entry.")
    var replace = false

    @Flag(name: .long, help: "Keep two entries of one platform instead of refusing them.")
    var allowDuplicates = false

    @Flag(name: .long, help: "Leave the sources' attestation entries out.")
    var dropAttestations = false

    @Option(name: .long, help: "Manifest reads and transfers at the same time.")
    var jobs: Int = 8

    @OptionGroup var target: IndexEditTarget

    @Argument(help: "Sources: NAME[:TAG][@DIGEST], docker://…, oci:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG] or docker-archive:PATH[:NAME:TAG].")
    var sources: [String] = []

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        guard !sources.isEmpty else { throw ValidationError("name at least one source image or index to add") }
    }

    func execute(_ context: CommandContext) async throws {
        let platforms = try IndexKeyValue.platforms(platform)
        let options = IndexOptions(platforms: platforms.isEmpty ? nil : platforms, allowDuplicates: allowDuplicates,
                                   dropAttestations: dropAttestations, replace: replace, dryRun: target.dryRun, jobs: jobs)
        let report = try await target.registry.withResolver { resolver in
            let inputs = try sources.map { try IndexSource.open(try ImageLocation(parsing: $0), resolver: resolver) }
            return try await IndexEditor.add(inputs, to: try target.location, resolver: resolver, options: options)
        }
        try IndexSummary.output(report, format: output.format, context)
    }
}
