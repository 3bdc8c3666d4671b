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
                   request.workingDirectory, "\(request.uid):\(request.gid):\(request.groups)", request.network.rawValue]
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
            let result = try await sandbox.run(spec)
            guard result.termination == .exited(0) else {
                throw Self.failure(result, request: request, mode: mode)
            }
            let (changes, _) = try OverlayUpper.changes(in: directory + "/upper")
            let lowers = request.lowers
            let entries = RunLayer.entries(changes, mapping: sandbox.mapping) { path in
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
