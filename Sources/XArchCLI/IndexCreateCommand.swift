import ArgumentParser
import XArch
import XArchBuild
import XArchIndex
import XArchModel

/// `xarch index create -t DST SRC… [--from-metadata F]… | --template T --platforms P,…`.
struct IndexCreateCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Merge single-platform images and indexes into one multi-platform index.",
        discussion: """
            Each source is an image or an index (flattened: its platform entries come with their attestations), \
            in a registry or an OCI layout. An entry's platform is its descriptor's, else its config's. Two entries \
            of one platform are refused, naming both sources. Sources in another repository of the destination \
            registry are mounted, sources elsewhere copied; every child is in the destination before the index. \
            --from-metadata reads the sources from the metadata files of `xarch build --push-by-digest REPO \
            --metadata-file F` (each names REPO@DIGEST and, for one platform, the platform it must hold). \
            --template names one source per platform: {os}, {arch}, {variant} (no separator: arm/v7 gives armv7), \
            or manifest-tool's OS, ARCH, VARIANT. --media-type docker writes a Docker manifest list, which holds \
            only Docker schema 2 manifests and no attestations (refused unless --drop-attestations).
            """
    )

    @OptionGroup var output: FormatOption

    @Option(name: [.customShort("t"), .long], help: ArgumentHelp(
        "The index to write: NAME[:TAG], oci:PATH:TAG or oci-archive:PATH:TAG.", valueName: "destination"))
    var tag: String

    @Option(name: [.customLong("platform"), .customLong("platforms")], help: ArgumentHelp(
        "Keep only these platforms (comma-separated or repeated); with --template, the platforms to render it for.",
        valueName: "platform"))
    var platform: [String] = []

    @Option(name: .customLong("from-metadata"), help: ArgumentHelp(
        "Add the source a build's --metadata-file names (its REPO@DIGEST; repeatable, comma-separated).", valueName: "file"))
    var fromMetadata: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Name the sources by a template, one per platform of --platforms, e.g. 'app:1.2-{arch}{variant}'.", valueName: "template"))
    var template: String?

    @Option(name: .customLong("media-type"), help: "The index media type: oci (OCI image index) or docker (Docker manifest list).")
    var mediaType: IndexFormat = .oci

    @Flag(name: .long, help: "Keep two entries of one platform (a host pulls the first) instead of refusing them.")
    var allowDuplicates = false

    @Flag(name: .long, help: "Leave attestation entries out (needed for --media-type docker when sources have them).")
    var dropAttestations = false

    @Flag(name: .long, help: "Also bring the referrers (signatures, SBOMs, attestations) of the images copied from other repositories.")
    var referrers = false

    @Flag(name: .long, help: "Print the index that would be written, and write nothing.")
    var dryRun = false

    @OptionGroup(title: "Annotations") var annotations: IndexAnnotationOptions

    @Option(name: .long, help: "Manifest reads and transfers at the same time.")
    var jobs: Int = 8

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Sources: NAME[:TAG][@DIGEST], docker://…, oci:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG] or docker-archive:PATH[:NAME:TAG].")
    var sources: [String] = []

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        if template != nil {
            guard sources.isEmpty, fromMetadata.isEmpty else {
                throw ValidationError("give either sources (or --from-metadata) or --template, not both")
            }
            guard !platform.isEmpty else { throw ValidationError("--template needs --platforms to render it for") }
        } else if sources.isEmpty, ListOption.values(fromMetadata).isEmpty {
            throw ValidationError("name at least one source image or index, --from-metadata FILE, or a --template with --platforms")
        }
    }

    func execute(_ context: CommandContext) async throws {
        let destination = try ImageLocation(parsing: tag)
        let platforms = try IndexKeyValue.platforms(platform)
        var options = IndexOptions(format: mediaType, platforms: template == nil && !platforms.isEmpty ? platforms : nil,
                                   allowDuplicates: allowDuplicates, dropAttestations: dropAttestations,
                                   annotations: try annotations.values(), dryRun: dryRun, jobs: jobs)
        options.referrers = referrers
        let report = try await registry.withResolver { resolver in
            let inputs = try template.map { try IndexSource.templated($0, platforms: platforms, resolver: resolver) }
                ?? sources.map { try IndexSource.open(try ImageLocation(parsing: $0), resolver: resolver) }
                + ListOption.values(fromMetadata).map { file in
                    try IndexSource.open(metadata: try BuildMetadata.read(from: file), name: file, resolver: resolver)
                }
            return try await IndexEditor.create(inputs, destination: destination, resolver: resolver, options: options)
        }
        try IndexSummary.output(report, format: output.format, context)
    }
}
