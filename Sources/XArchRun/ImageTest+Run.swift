import XArchContent
import XArchModel
#if canImport(Glibc)
import Glibc
#endif

extension ImageTest {
    /// Chooses the mode, unpacks the layers, then runs the spec's tests or the command, filling `result`.
    func run(_ manifest: ImageManifest, config: ImageConfig, platform: Platform, image: OpenedImage,
             options: ImageTestOptions, into result: inout ImageTestResult) async throws {
        let mode = modes.mode(for: platform)
        result.mode = mode.name
        switch mode {
        case .skipped(let reason):
            result.skipped = true
            result.reason = reason
            result.tests = options.spec.map { Self.skippedTests($0, options: options, platform: platform, reason: reason) }
            return
        case .binfmtUserNamespace(let emulator):
            result.emulator = .init(path: emulator.path, version: emulator.version, cpu: emulator.cpu)
        case .binfmtHost(let handler, let cpu):
            result.emulator = .init(path: handler.interpreter, version: nil, cpu: cpu)
        case .native:
            break
        }
        let tree = try await rootFilesystem(manifest.layers, from: image.source, noCache: options.noCache)
        defer { if tree.isTemporary { try? RootFilesystem.remove(tree.path) } }
        let digest = Digest.of(Array(result.digest.utf8), algorithm: .sha256)
        let target = PlatformRun(tree: tree, config: config.config, platform: platform, mode: mode, digest: digest)
        if let spec = options.spec {
            try await runSpec(spec, in: target, options: options, into: &result)
            return
        }
        result.record(try await runCommand(CommandRun(options), in: target, options: options))
    }

    /// One command in a fresh sandbox run: the process composed from the image config, its program
    /// checked against the platform (a foreign binary fails here, named, without running), then run
    /// with the timeout and judged. Throws when the process cannot be composed (an unknown `USER`).
    func runCommand(_ command: CommandRun, in target: PlatformRun, options: ImageTestOptions) async throws -> CommandOutcome {
        let (tree, mode, digest, platform) = (target.tree, target.mode, target.digest, target.platform)
        let paths = RootPaths(root: tree.path)
        var process = try ImageProcess(config: target.config, command: command,
                                       hostname: String(digest.encoded.prefix(12)), paths: paths)
        if sandbox.mapping == .caller {
            guard process.uid == 0, process.gid == 0 else {
                return CommandOutcome(failure: "user \(process.uid):\(process.gid) cannot be taken: an unprivileged run maps only the caller "
                    + "(as 0); run as root, or give this user subordinate ids in /etc/subuid and /etc/subgid (with newuidmap installed)")
            }
            process.groups = [] // supplementary groups cannot be set without a full mapping
        }
        let searchPath = ImageProcess.value("PATH", in: process.environment) ?? ImageProcess.defaultPath
        if let problem = ProgramCheck.problem(process.arguments[0], in: paths, searchPath: searchPath,
                                              workingDirectory: process.workingDirectory, platform: platform) {
            return CommandOutcome(failure: problem)
        }
        let timeout = command.timeout ?? (mode.isEmulated ? ImageTestOptions.emulatedTimeout : ImageTestOptions.nativeTimeout)
        // A cached tree is shared by every run: writes go to an overlay that vanishes with the run.
        let spec = SandboxSpec(rootfs: tree.path, arguments: process.arguments, environment: process.environment,
                               workingDirectory: process.workingDirectory, uid: process.uid, gid: process.gid,
                               groups: process.groups, hostname: String(digest.encoded.prefix(12)),
                               network: options.network, rootWrites: Self.writes(on: tree.path), mode: mode,
                               timeout: timeout, keepStandardInput: options.keepStandardInput, outputLimit: options.outputLimit)
        let run = try await sandbox.run(spec)
        var outcome = CommandOutcome(run, timeout: timeout, expecting: command)
        if run.termination == .signaled(SIGILL), let cpu = Self.emulatedCPU(mode), !outcome.failures.isEmpty {
            outcome.failures[0] += " (illegal instruction on the emulated \(cpu) CPU: the program uses instructions "
                + "that CPU lacks; is the image's platform variant right?)"
        }
        return outcome
    }

    /// Where a command's writes go: an overlay that vanishes with the run, so the tree (cached or
    /// temporary) is never written and every command of a spec starts from the image's own files;
    /// into the tree itself only when an overlay cannot be mounted on its path.
    static func writes(on tree: String) -> SandboxSpec.RootWrites {
        (try? SandboxSpec.overlayPath(tree)) != nil && (try? SandboxSpec.overlayPath(StaleWork.temporaryDirectory)) != nil
            ? .discarded : .direct
    }

    /// The CPU model QEMU emulates for `mode`, if any.
    static func emulatedCPU(_ mode: ExecutionMode) -> String? {
        switch mode {
        case .binfmtUserNamespace(let emulator): emulator.cpu
        case .binfmtHost(_, let cpu): cpu
        case .native, .skipped: nil
        }
    }

    /// The platform's tree: from the cache, else a temporary one.
    private func rootFilesystem(_ layers: [Descriptor], from source: any ContentSource,
                                noCache: Bool) async throws -> RootFilesystemCache.Entry {
        if let cache { return try await cache.rootFilesystem(layers, from: source, noCache: noCache) }
        let (path, report) = try await RootFilesystem.unpackTemporary(layers, from: source)
        return RootFilesystemCache.Entry(path: path, report: report, isTemporary: true)
    }
}
