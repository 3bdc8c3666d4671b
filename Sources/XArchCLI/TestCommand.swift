import ArgumentParser
import Foundation
import XArch
import XArchModel
import XArchRun

/// `xarch test REF [--platform P,…|all] [--timeout S] [--format text|json|junit] [--expect-exit N]
/// [--expect-output REGEX] [-e K=V]… [--user U] [--entrypoint E] [--no-cache] [--spec FILE] [--require-all] [-i]
/// [--network none|host] [--qemu-dir DIR] [--qemu-cpu [PLATFORM=]CPU]… [-- CMD ARG…]`.
struct TestCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a command on every platform of an image, natively or under QEMU, without a daemon.",
        discussion: "Each platform's layers are unpacked into a root filesystem (cached by layer chain) and the command runs there in a private user namespace, under QEMU through a private binfmt_misc when the host cannot run the platform. The program is checked against the platform before it runs: an x86-64 binary in an arm64 image fails without running. Exit 0 when every platform passed, 3 when any failed (or, with --require-all, could not run), 1 when none could be run."
    )

    @Option(name: .long, help: "Platforms to test (comma-separated or repeated), or all (default: all).")
    var platform: [String] = []

    @Option(name: .long, help: "Seconds per platform before the run is killed (default: 60 native, 600 emulated).")
    var timeout: Double?

    @Option(name: .long, help: "Output format: text, json or junit.")
    var format: TestFormat = .text

    @Option(name: .customLong("expect-exit"), help: "The exit code that passes (default 0).")
    var expectExit: Int32?

    @Option(name: .customLong("expect-output"), help: ArgumentHelp("A regular expression stdout must match.", valueName: "regex"))
    var expectOutput: String?

    @Option(name: [.customShort("e"), .customLong("env")], help: ArgumentHelp("Set a variable (repeatable).", valueName: "K=V"))
    var env: [String] = []

    @Option(name: .long, help: "User (name or uid, with :group or :gid), resolved in the image's /etc/passwd.")
    var user: String?

    @Option(name: .long, help: "Replace the image's Entrypoint (and drop its Cmd).")
    var entrypoint: String?

    @Flag(name: .customLong("no-cache"), help: "Unpack into a temporary directory; neither read nor write the cache.")
    var noCache = false

    @Option(name: .long, help: ArgumentHelp(
        "YAML tests run on every platform (container-structure-test's schema, and more) instead of the command; a command given as well runs as one more test, named command.",
        valueName: "file"))
    var spec: String?

    @Option(name: .long, help: "Platforms run at once (default: the number of cores).")
    var jobs: Int?

    @Flag(name: .customLong("require-all"), help: "Count a platform that cannot run here as failed (exit 3).")
    var requireAll = false

    @Flag(name: [.customShort("i"), .customLong("interactive")], help: "Give the command this stdin (one platform only).")
    var interactive = false

    @Option(name: .long, help: "none (default: a loopback of the run's own) or host (the host's network).")
    var network: NetworkChoice = .none

    @Option(name: .customLong("qemu-dir"), help: ArgumentHelp("Look for qemu-<arch>-static here first.", valueName: "dir"))
    var qemuDir: String?

    @Option(name: .customLong("qemu-cpu"), help: ArgumentHelp(
        "QEMU CPU model for every emulated platform, or for one (linux/arm/v6=arm1176); default: the one the variant promises.",
        valueName: "[platform=]cpu"))
    var qemuCPU: [String] = []

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Image reference: NAME[:TAG][@DIGEST], docker://…, oci:PATH[:TAG|@DIGEST], oci-archive:PATH[:TAG] or docker-archive:PATH[:NAME:TAG].")
    var reference: String

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after -- (default: the image's).")
    var command: [String] = []

    func validate() throws {
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be more than 0 seconds") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if env.contains(where: { $0.hasPrefix("=") || $0.isEmpty }) { throw ValidationError("-e needs K=V") }
    }

    func execute(_ context: CommandContext) async throws {
        let location = try ImageLocation(parsing: reference)
        var options = ImageTestOptions()
        if let spec {
            options.spec = try TestSpec.load(path: spec)
            options.commandWithSpec = !command.isEmpty || entrypoint != nil || expectExit != nil || expectOutput != nil
        }
        options.platforms = ListOption.values(platform) == ["all"] ? [] : try ListOption.platforms(platform)
        options.command = command
        options.entrypoint = entrypoint
        // `-e K` takes K from this environment, and is left out when K is unset here (docker run -e).
        options.environment = env.compactMap { e in e.contains("=") ? e : ProcessInfo.processInfo.environment[e].map { "\(e)=\($0)" } }
        options.user = user
        options.timeout = timeout.map { .milliseconds(Int64($0 * 1000)) }
        options.expectedExit = expectExit ?? 0
        options.expectedOutput = expectOutput
        options.noCache = noCache
        if let jobs { options.concurrency = jobs }
        options.network = network.value
        options.keepStandardInput = interactive
        if let qemuDir, !FileManager.default.fileExists(atPath: qemuDir) {
            throw XArchError(.invalidInput, "--qemu-dir \(qemuDir): no such directory")
        }
        let modes = ExecutionModes.detect(locator: QEMULocator(qemuDirectory: qemuDir),
                                          cpuOverrides: try qemuCPU.map(ExecutionModes.cpuOverride(parsing:)))
        let cache = noCache ? nil : try RootFilesystemCache.userDefault()
        let report = try await registry.withResolver { resolver in
            try await ImageTest(modes: modes, cache: cache).run(try resolver.open(location), options: options)
        }
        try TestOutput.print(report, format: format, context)
        try TestOutput.verdict(report, requireAll: requireAll)
    }
}

/// `--network`: the network namespace of the command.
enum NetworkChoice: String, ExpressibleByArgument, CaseIterable {
    case none, host

    var value: SandboxSpec.Network { self == .host ? .host : .none }
}
