import Foundation
import XArchArchive
import XArchContent
import XArchModel
import XArchRun

/// Runs the RUN instructions of a build in `XArchRun`'s sandbox (issue 13): each RUN's root is an
/// overlay whose lower layers are the base image's unpacked tree (from the root filesystem cache
/// `xarch test` uses) and one directory per later layer of the stage, and whose upper directory —
/// what the RUN changed — becomes the RUN's layer (`RunLayer`). The mode follows the stage's platform
/// (`ExecutionModes`: native for `$BUILDPLATFORM` stages, QEMU through a private binfmt_misc for
/// foreign ones). A RUN with the same lower layers, command, environment, identity and network runs
/// once per build, so a `$BUILDPLATFORM` stage shared by every target platform runs once.
actor BuildRunner {
    /// One RUN to execute.
    struct Request: Sendable {
        var platform: Platform
        var arguments: [String]
        var environment: [String]
        var workingDirectory: String
        var uid: UInt32
        var gid: UInt32
        var groups: [UInt32]
        var network: SandboxSpec.Network
        /// Bottom first: the base tree, then the layer directories.
        var lowers: [String]
        /// `RUN --mount`s, ready for the sandbox.
        var mounts: [SandboxSpec.Mount] = []
        /// What identifies the mounts in the key of identical RUNs (secret ids, never their values).
        var mountKey = ""
        /// `RUN …` as written, and its Dockerfile line, for progress and errors.
        var display: String
        var line: Int
    }

    /// What a RUN left: its upper directory and the layer entries read from it (nil: no change).
    struct Outcome: Sendable {
        var upper: String
        var entries: LayerEntries?
        var mode: String
    }

    let modes: ExecutionModes
    let sandbox: Sandbox
    /// Where base trees are unpacked and kept; nil: into the work directory, for this build only.
    let cache: RootFilesystemCache?
    /// Where `RUN --mount=type=cache` directories live between builds: `$XDG_CACHE_HOME/xarch/mounts`,
    /// or in the work directory when there is no cache.
    let cacheMounts: String
    let work: String
    let progress: (@Sendable (BuildEvent) -> Void)?
    // In-flight work is remembered as a task, so two platforms asking for the same tree or the same
    // RUN at once share one.
    private var bases: [String: Task<String, any Error>] = [:]
    private var materialized: [LayerEntries: String] = [:]
    private var outcomes: [String: Task<Outcome, any Error>] = [:]
    private var counter = 0

    init(modes: ExecutionModes, sandbox: Sandbox = Sandbox(), cache: RootFilesystemCache?, work: String,
         progress: (@Sendable (BuildEvent) -> Void)?) {
        self.modes = modes
        self.sandbox = sandbox
        self.cache = cache
        self.cacheMounts = cache.map { ($0.directory as NSString).deletingLastPathComponent + "/mounts" } ?? work + "/mounts"
        self.work = work
        self.progress = progress
    }

    /// The id mapping of the runs (to read owners back from upper directories).
    nonisolated var mapping: IDMapping { sandbox.mapping }

    private func fresh(_ kind: String) throws -> String {
        counter += 1
        let path = "\(work)/\(kind)-\(counter)"
        guard mkdir(path, 0o755) == 0 else { throw POSIXFile.error("create directory", path) }
        return path
    }

    /// The unpacked tree of a base image's layers (an empty directory for `scratch`).
    func baseDirectory(_ layers: [Descriptor], source: (any ContentSource)?) async throws -> String {
        let key = RootFilesystemCache.key(layers.map(\.digest)).description
        if let known = bases[key] { return try await known.value }
        counter += 1
        let path = "\(work)/base-\(counter)"
        let cache = cache
        let task = Task<String, any Error> {
            guard let source, !layers.isEmpty else {
                guard mkdir(path, 0o755) == 0 else { throw POSIXFile.error("create directory", path) }
                return path
            }
            if let cache { return try await cache.rootFilesystem(layers, from: source).path }
            _ = try await RootFilesystem.unpack(layers, from: source, into: path)
            return path
        }
        bases[key] = task
        return try await task.value
    }

    /// The directory of a cache mount: one per id and platform, kept between builds, created with the
    /// mount's owner and mode.
    func cacheMount(id: String, platform: Platform, mode: UInt32, uid: UInt32, gid: UInt32) throws -> String {
        let digest = Digest.of(Array("\(id)\u{0}\(platform.formatted)".utf8), algorithm: .sha256)
        let path = "\(cacheMounts)/\(digest.encoded.prefix(32))"
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0, errno != EEXIST { throw POSIXFile.error("create directory", current) }
        }
        if chown(path, uid, gid) != 0, geteuid() == 0 { throw POSIXFile.error("set the owner of", path) }
        guard chmod(path, mode_t(mode & 0o7777)) == 0 else { throw POSIXFile.error("set the mode of", path) }
        return path
    }

    /// A private copy of a secret (mode 0400 unless given, owned by `uid:gid`) for one RUN to mount
    /// read-only; removed with the work directory.
    func stageSecret(_ bytes: [UInt8], mode: UInt32 = 0o400, uid: UInt32 = 0, gid: UInt32 = 0) throws -> String {
        counter += 1
        let directory = "\(work)/secrets"
        if mkdir(directory, 0o700) != 0, errno != EEXIST { throw POSIXFile.error("create directory", directory) }
        let path = "\(directory)/\(counter)"
        let fd = try POSIXFile.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o600, verb: "create")
        defer { POSIXFile.closeQuietly(fd) }
        try bytes.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: path) }
        if fchown(fd, uid, gid) != 0, geteuid() == 0 { throw POSIXFile.error("set the owner of", path) }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw POSIXFile.error("set the mode of", path) }
        return path
    }

    /// A copy of a context directory or file for a read-write bind mount (its writes are discarded).
    func scratchCopy(of source: String) throws -> String {
        let path = try fresh("bind")
        do {
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: source, toPath: path)
        } catch {
            throw XArchError(.io, "cannot copy \(source) for a read-write bind mount", cause: error)
        }
        return path
    }

    /// A directory holding the files of a COPY layer, to stack in an overlay.
    func directory(for entries: LayerEntries) throws -> String {
        if let known = materialized[entries] { return known }
        let path = try fresh("layer")
        try LayerMaterializer.write(entries, into: path)
        materialized[entries] = path
        return path
    }

    /// Runs `request` (or returns the outcome of the same RUN run earlier in this build, or running now).
    func run(_ request: Request) async throws -> Outcome {
        let mode = modes.mode(for: request.platform)
        let key = [mode.name, request.platform.formatted, request.lowers.joined(separator: ":"),
                   request.arguments.joined(separator: "\u{0}"), request.environment.joined(separator: "\u{0}"),
                   request.workingDirectory, "\(request.uid):\(request.gid):\(request.groups)", request.network.rawValue,
                   request.mountKey]
            .joined(separator: "\u{1}")
        if let known = outcomes[key] { return try await known.value }
        if case .skipped(let reason) = mode {
            throw XArchError(.unsupported, "Dockerfile line \(request.line): \(request.display) cannot run for \(request.platform.formatted) here: \(reason)")
        }
        let directory = try fresh("run")
        let (sandbox, progress) = (sandbox, progress)
        let task = Task<Outcome, any Error> {
            progress?(.run(platform: request.platform.formatted, mode: mode.name, line: request.line, instruction: request.display))
            var spec = SandboxSpec(rootfs: request.lowers[0], arguments: request.arguments, environment: request.environment,
                                   workingDirectory: request.workingDirectory, uid: request.uid, gid: request.gid,
                                   groups: request.groups, hostname: "buildkitsandbox", network: request.network,
                                   rootWrites: .captured(directory: directory), mode: mode, outputLimit: 64 * 1024)
            spec.lowerLayers = Array(request.lowers.dropFirst())
            spec.privateTemporaryDirectory = false
            spec.mounts = request.mounts
            let result = try await sandbox.run(spec)
            guard result.termination == .exited(0) else {
                throw Self.failure(result, request: request, mode: mode)
            }
            let (changes, _) = try OverlayUpper.changes(in: directory + "/upper")
            let lowers = request.lowers
            let targets = request.mounts.map { mount -> String in
                switch mount {
                case .bind(_, let target, _), .tmpfs(let target, _): String(target.drop { $0 == "/" })
                }
            }
            let entries = RunLayer.entries(changes, mapping: sandbox.mapping, mountTargets: targets) { path in
                lowers.contains { FileManager.default.fileExists(atPath: "\($0)/\(path)") }
            }
            return Outcome(upper: directory + "/upper", entries: entries, mode: mode.name)
        }
        outcomes[key] = task
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// A failed RUN: the platform, the line, how it ended and the last lines it printed.
    static func failure(_ result: SandboxResult, request: Request, mode: ExecutionMode) -> XArchError {
        var message = "Dockerfile line \(request.line): \(request.display) failed on \(request.platform.formatted) (\(mode.name)): "
        if let failure = result.sandboxFailure {
            message += "the sandbox failed: \(failure)"
        } else {
            message += "\(result.termination)"
        }
        let tail = (result.standardOutputText + result.standardErrorText).split(separator: "\n").suffix(10)
        if !tail.isEmpty { message += "\n" + tail.map { "  \($0)" }.joined(separator: "\n") }
        if let hint = hint(result, mode: mode) { message += "\nhint: \(hint)" }
        return XArchError(.commandFailed, message)
    }

    /// Known signatures of QEMU trouble.
    static func hint(_ result: SandboxResult, mode: ExecutionMode) -> String? {
        guard mode.isEmulated else { return nil }
        let text = result.standardErrorText
        if text.contains("uncaught target signal 4") || result.termination == .signaled(SIGILL) {
            return "an illegal instruction under QEMU: the program needs a newer CPU than the platform's variant promises"
        }
        if text.contains("uncaught target signal 11") {
            return "a crash under QEMU (SIGSEGV), common for ldconfig or JIT runtimes with older QEMU versions; try a newer qemu-user-static"
        }
        return nil
    }
}
