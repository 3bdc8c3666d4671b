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
        /// What identifies the mounts in the key of identical RUNs (contents of bound context files,
        /// cache ids, secret ids — never their values).
        var mountKey = ""
        /// Variables whose values are secrets: left out of the key.
        var secretVariables: Set<String> = []
        /// Whether a kept result may be used (`--no-cache-filter` names the stage: no).
        var readsCache = true
        /// `RUN …` as written, and its Dockerfile line, for progress and errors.
        var display: String
        var line: Int
        /// Its place in its stage, as progress shows it (`BuildEvent.run`).
        var step = ""
    }

    /// What a RUN left: its upper directory and the layer entries read from it (nil: no change).
    struct Outcome: Sendable {
        var upper: String
        var entries: LayerEntries?
        var mode: String
        /// Taken from the build cache: nothing ran.
        var cached = false
    }

    let modes: ExecutionModes
    let sandbox: Sandbox
    /// Where base trees are unpacked and kept; nil: into the work directory, for this build only.
    let cache: RootFilesystemCache?
    /// Where `RUN --mount=type=cache` directories live between builds: `$XDG_CACHE_HOME/xarch/mounts`,
    /// or in the work directory when there is no cache.
    let cacheMounts: String
    /// Where RUN results are kept between builds (`$XDG_CACHE_HOME/xarch/build/<key>/upper`); nil: not kept.
    let buildCache: String?
    /// Whether a kept result is used (`xarch build --no-cache`: every RUN runs, results are still kept).
    let readsCache: Bool
    /// Report each RUN's output as it runs.
    let showsOutput: Bool
    let work: String
    let progress: (@Sendable (BuildEvent) -> Void)?
    // In-flight work is remembered as a task, so two platforms asking for the same tree or the same
    // RUN at once share one.
    private var bases: [String: Task<String, any Error>] = [:]
    private var materialized: [LayerEntries: String] = [:]
    private var outcomes: [String: Task<Outcome, any Error>] = [:]
    /// The content key of every directory handed out as a lower layer.
    private var keys: [String: String] = [:]

    /// The version of the RUN cache's key and layout: a change starts a new cache.
    static let cacheVersion = "xarch-run-1"

    /// The content key of a lower layer directory this runner made.
    func key(of directory: String) -> String? { keys[directory] }
    var counter = 0
    private var cachePrepared = false
    /// RUNs take the metadata-diff fallback (`MetadataDiff`): `XARCH_RUN_WITHOUT_OVERLAY=1`, or learned
    /// when the sandbox could not mount overlayfs.
    private var withoutOverlay = ProcessInfo.processInfo.environment["XARCH_RUN_WITHOUT_OVERLAY"] == "1"
    private var withoutOverlayReason = "XARCH_RUN_WITHOUT_OVERLAY=1"
    /// How the summary tells that RUNs took the metadata-diff fallback.
    static let copiedNote = ", on a copy of the tree (no overlayfs: metadata diff)"
    var mountsSwept = false
    /// What ran where, by platform (`BuildReport.runs`).
    private var summaries: [String: BuildReport.RunSummary] = [:]

    /// One summary per platform a RUN was asked for, in platform order.
    func runSummaries() -> [BuildReport.RunSummary] { summaries.values.sorted { $0.platform < $1.platform } }

    private func count(_ platform: Platform, mode: ExecutionMode, _ field: WritableKeyPath<BuildReport.RunSummary, Int>) {
        let name = platform.formatted
        summaries[name, default: BuildReport.RunSummary(platform: name, mode: mode.name, how: mode.description)][keyPath: field] += 1
        if withoutOverlay, field == \.ran, summaries[name]?.how.hasSuffix(Self.copiedNote) == false {
            summaries[name]?.how += Self.copiedNote
        }
    }

    init(modes: ExecutionModes, sandbox: Sandbox = Sandbox(), cache: RootFilesystemCache?, work: String,
         readsCache: Bool = true, showsOutput: Bool = false, progress: (@Sendable (BuildEvent) -> Void)?) {
        self.showsOutput = showsOutput
        self.modes = modes
        self.sandbox = sandbox
        self.cache = cache
        let home = cache.map { ($0.directory as NSString).deletingLastPathComponent }
        self.cacheMounts = home.map { $0 + "/mounts" } ?? work + "/mounts"
        self.buildCache = home.map { $0 + "/build" }
        self.readsCache = readsCache
        self.work = work
        self.progress = progress
    }

    /// The id mapping of the runs (to read owners back from upper directories).
    nonisolated var mapping: IDMapping { sandbox.mapping }

    /// A new, empty directory of this build's work directory.
    func fresh(_ kind: String) throws -> String {
        counter += 1
        let path = "\(work)/\(kind)-\(counter)"
        guard mkdir(path, 0o755) == 0 else { throw POSIXFile.error("create directory", path) }
        return path
    }

    /// The unpacked tree of a base image's layers (an empty directory for `scratch`).
    func baseDirectory(_ layers: [Descriptor], source: (any ContentSource)?) async throws -> String {
        let key = RootFilesystemCache.key(layers.map(\.digest)).description
        if let known = bases[key] {
            let directory = try await known.value
            keys[directory] = "base:\(key)"
            return directory
        }
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
        let directory = try await task.value
        keys[directory] = "base:\(key)"
        return directory
    }

    /// A directory holding the files of a COPY layer, to stack in an overlay.
    func directory(for entries: LayerEntries) throws -> String {
        if let known = materialized[entries] { return known }
        let path = try fresh("layer")
        try LayerMaterializer.write(entries, into: path)
        materialized[entries] = path
        keys[path] = "layer:\(try ContentKey.of(entries))"
        return path
    }

    /// The key of a RUN: its platform, the content keys of the layers below it, the command, the
    /// environment (secret values left out), the working directory, the identity, the network and the
    /// mounts' key.
    func runKey(_ request: Request) throws -> Digest {
        let lowers = try request.lowers.map { directory -> String in
            guard let key = keys[directory] else { throw XArchError(.io, "no content key for the layer directory \(directory)") }
            return key
        }
        let environment = request.environment.filter { !request.secretVariables.contains(String($0.split(separator: "=", maxSplits: 1)[0])) }
        let text = [Self.cacheVersion, request.platform.formatted, lowers.joined(separator: "\n"),
                    request.arguments.joined(separator: "\u{0}"), environment.joined(separator: "\u{0}"), request.workingDirectory,
                    "\(request.uid):\(request.gid):\(request.groups)", request.network.rawValue, request.mountKey]
            .joined(separator: "\u{1}")
        return Digest.of(Array(text.utf8), algorithm: .sha256)
    }

    /// Runs `request`, or returns the outcome of the same RUN: from earlier in this build (or running
    /// now for another platform), or from the build cache of an earlier build.
    func run(_ request: Request) async throws -> Outcome {
        let mode = modes.mode(for: request.platform)
        let digest = try runKey(request)
        let key = digest.encoded
        if let known = outcomes[key] {
            let outcome = try await known.value
            keys[outcome.upper] = "run:\(key)"
            count(request.platform, mode: mode, \.shared)
            return outcome
        }
        if case .skipped(let reason) = mode {
            throw XArchError(.unsupported, "Dockerfile line \(request.line): \(request.display) cannot run for \(request.platform.formatted) here: \(reason)")
        }
        let kept = buildCache.map { "\($0)/\(key)" }
        let directory: String
        if let kept, let buildCache {
            if !cachePrepared {
                // Once per build, not per RUN: the directory, and what killed builds left half-kept.
                try POSIXFile.makeDirectories(buildCache)
                StaleWork.sweep(buildCache, marker: ".tmp-")
                cachePrepared = true
            }
            if readsCache, request.readsCache, FileManager.default.fileExists(atPath: kept + "/upper") {
                progress?(.runCached(platform: request.platform.formatted, step: request.step, line: request.line, instruction: request.display))
                count(request.platform, mode: mode, \.cached)
                let outcome = try Self.outcome(upper: kept + "/upper", request: request, mode: mode, mapping: sandbox.mapping, cached: true)
                outcomes[key] = Task { outcome }
                keys[outcome.upper] = "run:\(key)"
                return outcome
            }
            directory = StaleWork.name(kept + ".tmp-")
            guard mkdir(directory, 0o700) == 0 else { throw POSIXFile.error("create directory", directory) }
        } else {
            directory = try fresh("run")
        }
        let (sandbox, progress, readsCache, showsOutput) = (sandbox, progress, readsCache, showsOutput)
        let (withoutOverlay, withoutOverlayReason) = (withoutOverlay, withoutOverlayReason)
        let task = Task<Outcome, any Error> {
            progress?(.run(platform: request.platform.formatted, mode: mode.name, step: request.step, line: request.line,
                           instruction: request.display))
            var spec = SandboxSpec(rootfs: request.lowers[0], arguments: request.arguments, environment: request.environment,
                                   workingDirectory: request.workingDirectory, uid: request.uid, gid: request.gid,
                                   groups: request.groups, hostname: "buildkitsandbox", network: request.network,
                                   rootWrites: .captured(directory: directory), mode: mode, outputLimit: 64 * 1024)
            spec.lowerLayers = Array(request.lowers.dropFirst())
            var copied: (root: String, before: MetadataDiff.Snapshot, started: timespec)?
            if withoutOverlay {
                // The metadata-diff fallback: a private copy of the merged tree, compared afterwards.
                if request.mounts.contains(where: { if case .layers = $0 { true } else { false } }) {
                    throw XArchError(.unsupported, "Dockerfile line \(request.line): \(request.display): RUN --mount with from= needs "
                                     + "overlayfs, which cannot be mounted here (\(withoutOverlayReason))")
                }
                let root = directory + "/root"
                do {
                    try MetadataDiff.materialize(request.lowers, into: root, mapping: sandbox.mapping)
                    let (before, latest) = try MetadataDiff.snapshot(root)
                    copied = (root, before, MetadataDiff.start(after: latest))
                } catch {
                    try? RootFilesystem.remove(root)
                    if kept != nil { try? RootFilesystem.remove(directory) }
                    throw error
                }
                spec.rootfs = root
                spec.rootWrites = .direct
                spec.lowerLayers = []
            }
            spec.privateTemporaryDirectory = false
            spec.mounts = request.mounts
            if showsOutput, let progress {
                let (platform, step) = (request.platform.formatted, request.step)
                spec.outputHandler = { isError, bytes in progress(.runOutput(platform: platform, step: step, isError: isError, bytes: bytes)) }
            }
            do {
                let result = try await sandbox.run(spec)
                if !withoutOverlay, let failure = result.sandboxFailure, failure.contains("mount overlay") {
                    throw OverlayRefused(message: failure)
                }
                guard result.termination == .exited(0) else { throw Self.failure(result, request: request, mode: mode) }
                if let copied {
                    try MetadataDiff.upper(from: copied.root, before: copied.before, started: copied.started, into: directory + "/upper")
                    try RootFilesystem.remove(copied.root)
                }
            } catch {
                if let copied { try? RootFilesystem.remove(copied.root) }
                // A failed or cancelled RUN keeps nothing (outside the cache the work directory goes anyway).
                if kept != nil { try? RootFilesystem.remove(directory) }
                throw error
            }
            var upper = directory + "/upper"
            if let kept {
                // Kept for later builds: only the upper directory (the overlay's work directory, its mount
                // point and those of layers mounts go), renamed into place; a concurrent build that put the
                // same result there first wins and ours goes.
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name != "upper" {
                    try? RootFilesystem.remove(directory + "/" + name)
                }
                if !readsCache || !request.readsCache { try? RootFilesystem.remove(kept) } // --no-cache: this run's result replaces the kept one
                if rename(directory, kept) != 0 {
                    try? RootFilesystem.remove(directory)
                    guard FileManager.default.fileExists(atPath: kept + "/upper") else { throw POSIXFile.error("keep the RUN result in", kept) }
                }
                upper = kept + "/upper"
            }
            return try Self.outcome(upper: upper, request: request, mode: mode, mapping: sandbox.mapping, cached: false)
        }
        outcomes[key] = task
        count(request.platform, mode: mode, \.ran)
        let outcome: Outcome
        do {
            outcome = try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch let refused as OverlayRefused {
            // This kernel does not let the user namespace mount overlayfs: the rest of the build takes the
            // metadata-diff fallback, this RUN first.
            self.withoutOverlay = true
            self.withoutOverlayReason = refused.message
            outcomes[key] = nil
            summaries[request.platform.formatted]?.ran -= 1
            if kept == nil { try? RootFilesystem.remove(directory) }
            return try await run(request)
        }
        keys[outcome.upper] = "run:\(key)"
        return outcome
    }

    /// The outcome of a RUN whose upper directory is `upper`: its changes as layer entries.
    static func outcome(upper: String, request: Request, mode: ExecutionMode, mapping: IDMapping, cached: Bool) throws -> Outcome {
        let (changes, _) = try OverlayUpper.changes(in: upper)
        let lowers = request.lowers
        let targets = request.mounts.map { mount -> String in
            switch mount {
            case .bind(_, let target, _), .tmpfs(let target, _), .layers(_, _, let target): String(target.drop { $0 == "/" })
            }
        }
        let below = DirectoryStack(name: "the layers below", directories: lowers, mapping: mapping)
        let unchanged: (UpperChange) -> Bool = { change in
            guard let node = try? below.node(at: change.path), node.mode == change.mode,
                  node.uid == Int(mapping.insideID(ofHostUser: change.uid)), node.gid == Int(mapping.insideID(ofHostGroup: change.gid)),
                  node.modificationTime == change.modificationTime else { return false }
            switch (change.kind, node.kind) {
            case (.directory, .directory): return true
            case (.symbolicLink(let a), .symbolicLink(let b)): return a == b
            case (.regularFile, .regularFile):
                guard node.size == change.size, case .file(let lower) = node.content else { return false }
                return Self.sameBytes(lower, change.hostPath)
            default: return false
            }
        }
        let (entries, stubs) = RunLayer.layer(changes, mapping: mapping, mountTargets: targets, unchanged: unchanged) { path in
            lowers.contains { var st = stat(); return lstat("\($0)/\(path)", &st) == 0 }
        }
        // The mount points the sandbox made are not part of the RUN's result: later RUNs stacked on this
        // upper directory must not see them either (children come first in `stubs`).
        for stub in stubs {
            let path = "\(upper)/\(stub)"
            if unlink(path) != 0, errno == EISDIR || errno == EPERM { _ = rmdir(path) }
        }
        return Outcome(upper: upper, entries: entries, mode: mode.name, cached: cached)
    }

    /// Whether two files hold the same bytes.
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard let x = FileHandle(forReadingAtPath: a), let y = FileHandle(forReadingAtPath: b) else { return false }
        defer { try? x.close(); try? y.close() }
        while true {
            let left = (try? x.read(upToCount: 1 << 20)) ?? nil, right = (try? y.read(upToCount: 1 << 20)) ?? nil
            if left != right { return false }
            if left == nil || left!.isEmpty { return true }
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

/// The sandbox could not mount overlayfs for a RUN (`BuildRunner` retries it with `MetadataDiff`).
struct OverlayRefused: Error {
    var message: String
}
