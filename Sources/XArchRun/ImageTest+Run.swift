import XArchContent
import XArchModel
#if canImport(Glibc)
import Glibc
#endif

extension ImageTest {
    /// Chooses the mode, unpacks the layers, checks the program and runs it, filling `result`.
    func run(_ manifest: ImageManifest, config: ImageConfig, platform: Platform, image: OpenedImage,
             options: ImageTestOptions, into result: inout ImageTestResult) async throws {
        let mode = modes.mode(for: platform)
        result.mode = mode.name
        switch mode {
        case .skipped(let reason):
            result.skipped = true
            result.reason = reason
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
        let paths = RootPaths(root: tree.path)
        let digest = Digest.of(Array(result.digest.utf8), algorithm: .sha256)
        var process = try ImageProcess(config: config.config, options: options,
                                       hostname: String(digest.encoded.prefix(12)), paths: paths)
        if sandbox.mapping == .caller {
            guard process.uid == 0, process.gid == 0 else {
                result.reason = "user \(process.uid):\(process.gid) cannot be taken: an unprivileged run maps only the caller "
                    + "(as 0); run as root, or give this user subordinate ids in /etc/subuid and /etc/subgid (with newuidmap installed)"
                return
            }
            process.groups = [] // supplementary groups cannot be set without a full mapping
        }
        let searchPath = ImageProcess.value("PATH", in: process.environment) ?? ImageProcess.defaultPath
        if let problem = ProgramCheck.problem(process.arguments[0], in: paths, searchPath: searchPath,
                                              workingDirectory: process.workingDirectory, platform: platform) {
            result.reason = problem
            return
        }
        let timeout = options.timeout ?? (mode.isEmulated ? ImageTestOptions.emulatedTimeout : ImageTestOptions.nativeTimeout)
        // A cached tree is shared by every run: writes go to an overlay that vanishes with the run.
        let spec = SandboxSpec(rootfs: tree.path, arguments: process.arguments, environment: process.environment,
                               workingDirectory: process.workingDirectory, uid: process.uid, gid: process.gid,
                               groups: process.groups, hostname: String(digest.encoded.prefix(12)),
                               network: options.network, rootWrites: tree.isTemporary ? .direct : .discarded, mode: mode,
                               timeout: timeout, keepStandardInput: options.keepStandardInput, outputLimit: options.outputLimit)
        let run = try await sandbox.run(spec)
        Self.judge(run, timeout: timeout, options: options, into: &result)
    }

    /// Fills `result` from a finished run: pass when it exited with the expected code and stdout matches
    /// (`^` and `$` match at every line, as grep's do).
    static func judge(_ run: SandboxResult, timeout: Duration, options: ImageTestOptions, into result: inout ImageTestResult) {
        let (seconds, attoseconds) = run.duration.components
        result.durationSeconds = Double(seconds) + Double(attoseconds) / 1e18
        result.stdout = run.standardOutputText
        result.stderr = run.standardErrorText
        switch run.termination {
        case .exited(let code): result.exitCode = code
        case .signaled(let signal): result.signal = SandboxResult.signalName(signal)
        }
        if let failure = run.sandboxFailure {
            result.reason = "the sandbox failed: \(failure)"
        } else if run.timedOut {
            result.reason = "timed out after \(timeout.components.seconds) s and was killed"
        } else if run.termination != .exited(options.expectedExit) {
            result.reason = "\(run.termination), expected exit \(options.expectedExit)"
            if run.termination == .signaled(SIGILL), let cpu = result.emulator?.cpu {
                result.reason! += " (illegal instruction on the emulated \(cpu) CPU: the program uses instructions "
                    + "that CPU lacks; is the image's platform variant right?)"
            }
        } else if let pattern = options.expectedOutput, let regex = try? Regex(pattern),
                  !result.stdout.contains(regex.anchorsMatchLineEndings()) {
            result.reason = "stdout does not match /\(pattern)/"
        } else {
            result.passed = true
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
