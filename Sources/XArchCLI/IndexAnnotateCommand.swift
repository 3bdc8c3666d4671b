import ArgumentParser
import XArch
import XArchIndex
import XArchModel

/// `xarch index annotate DST [--index K=V] [--platform P --descriptor K=V] [--os-version V] [--os-features F]`.
struct IndexAnnotateCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Set annotations, os.version and os.features of an index and its entries, in place.",
        discussion: """
            --index (and --created, --source, --revision, --image-version) set index annotations; --descriptor, \
            --os-version and --os-features change the entries of --platform. An empty value removes an \
            annotation. The result is written under the same tag and the old digest printed.
            """
    )

    @OptionGroup var output: FormatOption

    @Option(name: .customLong("index"), help: ArgumentHelp("Set an index annotation (repeatable).", valueName: "key=value"))
    var indexAnnotations: [String] = []

    @OptionGroup(title: "Standard index annotations") var standard: IndexAnnotationOptions

    @Option(name: .long, help: ArgumentHelp("The entries to change (comma-separated or repeated).", valueName: "platform"))
    var platform: [String] = []

    @Option(name: .customLong("descriptor"), help: ArgumentHelp(
        "Set an annotation on the entries of --platform (repeatable).", valueName: "key=value"))
    var descriptorAnnotations: [String] = []

    @Option(name: .long, help: ArgumentHelp("Set platform.os.version on the entries of --platform.", valueName: "version"))
    var osVersion: String?

    @Option(name: .long, help: ArgumentHelp("Set platform.os.features on the entries of --platform (comma-separated or repeated).",
                                            valueName: "features"))
    var osFeatures: [String] = []

    @OptionGroup var target: IndexEditTarget

    var changesEntries: Bool { !descriptorAnnotations.isEmpty || osVersion != nil || !osFeatures.isEmpty }

    func validate() throws {
        if changesEntries, platform.isEmpty {
            throw ValidationError("--descriptor, --os-version and --os-features need --platform to name the entries")
        }
    }

    func execute(_ context: CommandContext) async throws {
        var annotations = try standard.values()
        annotations.merge(try IndexKeyValue.parse(indexAnnotations, option: "--index")) { _, new in new }
        let change = IndexAnnotation(platforms: try IndexKeyValue.platforms(platform),
                                     descriptorAnnotations: try IndexKeyValue.parse(descriptorAnnotations, option: "--descriptor"),
                                     osVersion: osVersion,
                                     osFeatures: osFeatures.isEmpty ? nil : ListOption.values(osFeatures))
        guard !annotations.isEmpty || changesEntries else {
            throw ValidationError("nothing to change: give --index, --created, --source, --revision, --image-version, or --platform with --descriptor, --os-version or --os-features")
        }
        let report = try await target.registry.withResolver { resolver in
            try await IndexEditor.annotate(change, in: try target.location, resolver: resolver,
                                           options: IndexOptions(annotations: annotations, dryRun: target.dryRun))
        }
        try IndexSummary.output(report, format: output.format, context)
    }
}
