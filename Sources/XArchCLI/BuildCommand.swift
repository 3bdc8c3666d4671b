import ArgumentParser
import Foundation
import XArch
import XArchArchive
import XArchBuild
import XArchModel
import XArchRun

/// `xarch build [CONTEXT] [-f Dockerfile] --platform P,…|all [-t REF]… [--output oci:PATH[:TAG]]
/// [--build-arg K=V]… [--label K=V]… [--target STAGE]`.
struct BuildCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a multi-platform image from a Dockerfile: no daemon, RUN natively or under QEMU.",
        discussion: """
            Every platform is built from the same Dockerfile with its own TARGETOS, TARGETARCH and TARGETVARIANT, so \
            `COPY bin/${TARGETARCH}/app /app` picks each platform's prebuilt file. RUN runs in a sandbox: natively for \
            the host's platforms (FROM --platform=$BUILDPLATFORM stages), under QEMU through a binfmt_misc private to \
            the run for the others (as xarch test does), and its changes become a layer. Base images are \
            resolved per platform and must have every target platform, or the build stops before writing anything. \
            Layers are reproducible (sorted, timestamps clamped to SOURCE_DATE_EPOCH, fixed gzip header, gzip \
            compressed on all cores in fixed 256 KiB blocks, or one zstd frame with --compression zstd), so the same \
            inputs give the same digests on any machine, whatever --jobs says. `--platform all` is every platform of \
            the final stage's base image; for FROM scratch, every common Linux platform whose COPY sources exist.
            """
    )

    @OptionGroup var format: FormatOption

    @Argument(help: "The build context directory.")
    var context = "."

    @Option(name: .shortAndLong, help: ArgumentHelp("The Dockerfile (default: CONTEXT/Dockerfile).", valueName: "path"))
    var file: String?

    @Option(name: .long, help: ArgumentHelp(
        "Target platforms, comma-separated or repeated (linux/amd64,linux/arm64), or all.", valueName: "platform"))
    var platform: [String] = []

    @Option(name: [.customShort("t"), .customLong("tag")], help: ArgumentHelp("Push the index to this registry reference (repeatable).", valueName: "ref"))
    var tags: [String] = []

    @Option(name: .customLong("output"), help: ArgumentHelp(
        "Write the index to this OCI layout, or to an archive file: oci-archive:PATH[:TAG], or docker-archive:PATH[:NAME:TAG] (one platform).",
        valueName: "oci:path[:tag]"))
    var outputLayout: String?

    @Option(name: .customLong("push-by-digest"), help: ArgumentHelp(
        "Push to this repository by digest, with no tag: the image manifest for one platform, else the index (merge with xarch index create --from-metadata).",
        valueName: "repo"))
    var pushByDigest: String?

    @Option(name: .customLong("metadata-file"), help: ArgumentHelp(
        "Write the result's digest, mediaType, size, platforms and reference (REPO@DIGEST) to this JSON file.", valueName: "path"))
    var metadataFile: String?

    @Option(name: .customLong("build-arg"), help: ArgumentHelp("Set a build argument (NAME alone takes the value from the environment).", valueName: "name=value"))
    var buildArguments: [String] = []

    @Option(name: .customLong("label"), help: ArgumentHelp("Set a label on every image (repeatable).", valueName: "name=value"))
    var labels: [String] = []

    @Option(name: .long, help: ArgumentHelp("Build this stage instead of the last one.", valueName: "stage"))
    var target: String?

    @Option(name: .customLong("source-date-epoch"), help: ArgumentHelp("Clamp timestamps to this time (default: $SOURCE_DATE_EPOCH, else 0).", valueName: "seconds"))
    var sourceDateEpoch: Int64?

    @OptionGroup var compression: CompressionOptions

    @Option(name: .long, help: "Layers written and blobs transferred at the same time.")
    var jobs = 4

    @Flag(name: .long, help: "Check every platform's files as `xarch verify` does (ELF machine, ABI, loader) before anything is written or pushed.")
    var verify = false

    @Option(name: .long, help: "auto (one line per RUN, as `[linux/arm64 4/9] RUN …`; on a terminal also a status block, one line per platform), plain (also every RUN's output, each line prefixed), tty (the status block even when stderr is not a terminal) or quiet.")
    var progress: ProgressMode = .auto

    @Flag(name: .long, help: "Run every platform of the result with xarch test (its Cmd, or the command after --) before anything is written or pushed.")
    var test = false

    @Flag(name: .customLong("no-cache"), help: "Run every RUN, even when an earlier build kept its result (results are kept anew).")
    var noCache = false

    @Option(name: .customLong("no-cache-filter"), help: ArgumentHelp("Run the RUNs of these stages even when results are kept (repeatable, comma-separated).", valueName: "stage"))
    var noCacheFilter: [String] = []

    @Option(name: .customLong("secret"), help: ArgumentHelp(
        "A secret for RUN --mount=type=secret (repeatable): id=ID,src=FILE or id=ID,env=VARIABLE (id=ID alone: the variable ID). Never written to a layer.",
        valueName: "id=…"))
    var secrets: [String] = []

    @Flag(name: .long, help: "Attach an SLSA Provenance v1 attestation to every platform (BuildKit's layout: an attestation manifest in the index): Dockerfile digest, arguments (secret-looking ones by name only), base image digests, the context's git commit. Reproducible.")
    var provenance = false

    @Option(name: .customLong("builder-id"), help: ArgumentHelp(
        "The provenance's builder id, a URI (e.g. your CI run's URL; default urn:xarch:builder:local).", valueName: "uri"))
    var builderID: String?

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(parsing: .postTerminator, help: "With --test: the command to run on every platform, after -- (default: the image's).")
    var testCommand: [String] = []

    func validate() throws {
        guard !platform.isEmpty else { throw ValidationError("name the platforms: --platform linux/amd64,linux/arm64 (or all)") }
        guard !tags.isEmpty || outputLayout != nil || pushByDigest != nil else {
            throw ValidationError("say where the image goes: --output oci:PATH[:TAG], -t REGISTRY/REPOSITORY:TAG or --push-by-digest REGISTRY/REPOSITORY")
        }
        if pushByDigest != nil, !tags.isEmpty {
            throw ValidationError("--push-by-digest pushes without a tag: leave out -t, and tag the merged index with xarch index create -t")
        }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
        if builderID != nil, !provenance {
            throw ValidationError("--builder-id names the builder in the provenance: add --provenance")
        }
        _ = try compression.encoding()
        _ = try makeOptions()  // references, platforms and pairs, checked before anything runs
        _ = try Self.secrets(secrets, environment: ProcessInfo.processInfo.environment)
        if !testCommand.isEmpty, !test { throw ValidationError("the arguments after -- are the command of --test: add --test") }
    }

    func execute(_ context: CommandContext) async throws {
        var options = try makeOptions()
        options.rootFilesystemCache = try? RootFilesystemCache.userDefault()
        options.secrets = try Self.secrets(secrets, environment: ProcessInfo.processInfo.environment)
        options.noCache = noCache
        options.noCacheStages = Set(ListOption.values(noCacheFilter))
        if test {
            var testOptions = ImageTestOptions()
            testOptions.command = testCommand
            testOptions.concurrency = jobs
            options.test = testOptions
        }
        options.showsRunOutput = progress == .plain
        let progress = BuildProgress(stream: context.stderr,
                                     enabled: self.progress == .tty
                                         || (context.stderr.isTerminal && format.format == .text && self.progress == .auto),
                                     announcesRuns: self.progress != .quiet && (format.format == .text || self.progress == .plain))
        let report: BuildReport
        do {
            report = try await registry.withResolver { resolver in
                try await ImageBuild.build(options, resolver: resolver, progress: progress.handler)
            }
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        if format.format == .json { return try context.printJSON(report) }
        BuildSummary.print(report, context)
    }

    func makeOptions() throws -> BuildOptions {
        let names = ListOption.values(platform)
        let platforms = names == ["all"] ? nil : try names.map { try Platform(parsing: $0) }
        var output: LayoutReference?
        var archive: ArchiveReference?
        if let outputLayout {
            switch try ImageLocation(parsing: outputLayout) {
            case .layout(let layout) where layout.digest == nil: output = layout
            case .archive(let file): archive = file
            default:
                throw ValidationError("--output takes an OCI layout (oci:PATH[:TAG]) or an archive file (oci-archive:PATH[:TAG], docker-archive:PATH[:NAME:TAG])")
            }
        }
        let destinations = try tags.map { text -> ImageReference in
            guard case .registry(let reference) = try ImageLocation(parsing: text), reference.digest == nil else {
                throw ValidationError("-t takes a registry reference with a tag, not \(text); use --output for a layout")
            }
            return reference
        }
        let environment = ProcessInfo.processInfo.environment
        var options = BuildOptions(
            context: self.context, dockerfile: file, platforms: platforms,
            buildArguments: try Self.pairs(buildArguments, option: "--build-arg", environment: environment),
            labels: try Self.pairs(labels, option: "--label", environment: nil), target: target,
            sourceDateEpoch: try sourceDateEpoch ?? Self.epoch(environment["SOURCE_DATE_EPOCH"]),
            encoding: try compression.encoding(), output: output, destinations: destinations,
            buildPlatform: BuildOptions.buildPlatform(host: HostPlatform.detect()), jobs: jobs, verify: verify)
        options.archiveOutput = archive
        options.pushByDigest = try pushByDigest.map(Self.repository)
        options.metadataFile = try metadataFile.map(Self.metadataPath)
        options.provenance = provenance
        options.builderVersion = XArchVersion.current
        if let builderID {
            guard let scheme = builderID.split(separator: ":", maxSplits: 1).first, builderID.contains(":"),
                  scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }), scheme.first?.isLetter == true else {
                throw ValidationError("--builder-id \(builderID): give a URI, such as https://ci.example/runs/42 or urn:example:builder")
            }
            options.builderID = builderID
        }
        return options
    }

    /// `--secret` values: `id=ID,src=FILE` (also `source=`), `id=ID,env=VARIABLE`, or `id=ID` alone for the
    /// variable ID (as buildx reads them). A file must exist; a variable must be set.
    static func secrets(_ items: [String], environment: [String: String]) throws -> [String: BuildSecret] {
        var out: [String: BuildSecret] = [:]
        for item in items {
            var fields: [String: String] = [:]
            for part in item.split(separator: ",") {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { throw ValidationError("--secret \(item): expected key=value fields (id=…,src=… or env=…)") }
                fields[pair[0]] = pair[1]
            }
            guard let id = fields["id"], !id.isEmpty else { throw ValidationError("--secret \(item) needs id=…") }
            if let file = fields["src"] ?? fields["source"] {
                guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("--secret \(id): cannot read \(file)") }
                out[id] = .file(file)
            } else {
                let variable = fields["env"] ?? id
                guard let value = environment[variable] else {
                    throw ValidationError("--secret \(id): the variable \(variable) is not set (or give src=FILE)")
                }
                out[id] = .value(Array(value.utf8))
            }
        }
        return out
    }

    /// `NAME=value` pairs; with an environment, `NAME` alone takes its value from it (as docker does).
    static func pairs(_ items: [String], option: String, environment: [String: String]?) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            if let eq = item.firstIndex(of: "="), eq != item.startIndex {
                out[String(item[..<eq])] = String(item[item.index(after: eq)...])
            } else if let environment, !item.isEmpty, !item.contains("=") {
                if let value = environment[item] { out[item] = value }
            } else {
                throw ValidationError("\(option) \(item): expected NAME=value")
            }
        }
        return out
    }

    static func epoch(_ text: String?) throws -> Int64 {
        guard let text, !text.isEmpty else { return 0 }
        guard let value = Int64(text), value >= 0 else { throw ValidationError("SOURCE_DATE_EPOCH=\(text) is not a number of seconds") }
        return value
    }
}

/// `xarch build --progress`.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    case auto, plain, tty, quiet
}
