import CXArchSandbox
import Foundation
import Synchronization
import XArchModel
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command in a root filesystem directory, natively or under QEMU through a binfmt_misc private
/// to a new user namespace, with new mount, pid, uts, ipc (and network) namespaces: nothing global
/// changes and nothing mounted, registered or running survives the run.
///
/// The namespaces are built by the C constructor of `CXArchSandbox`, which runs before `main` in a
/// fresh, single-threaded process (a multithreaded process cannot enter a new user namespace): `run`
/// spawns `executable` — a program linking this module, by default this very program — with only
/// `XARCH_SANDBOX_SPEC` in its environment, so it runs the sandbox instead of its `main`.
public struct Sandbox: Sendable {
    /// The program spawned; it must link `XArchRun` (so its constructor is present).
    public var executable: String

    /// How ids map; nil: `IDMapping.detect()` (identity as root, subordinate ids when the user has
    /// them, else only the caller). Tests set it to try the other mappings as root.
    var idMapping: IDMapping?

    /// Detected once per process.
    static let detectedMapping = IDMapping.detect()

    /// The id mapping runs get.
    public var mapping: IDMapping { idMapping ?? Self.detectedMapping }

    public init(executable: String = "/proc/self/exe") {
        self.executable = executable
    }

    /// Whether the constructor object is linked into this program (always true; calling it keeps the
    /// linker from dropping the object).
    public static var isLinked: Bool { xarch_sandbox_linked() == 1 }

    /// Runs `spec` and waits for it. Cancelling the task or passing `spec.timeout` kills the whole run
    /// (SIGKILL to the spawned process; its namespace's init and so every process inside die with it).
    public func run(_ spec: SandboxSpec) async throws -> SandboxResult {
        guard Self.isLinked else { throw XArchError(.unsupported, "the sandbox constructor is not linked") }
        let directory = try Self.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scratch = directory + "/overlay"
        if spec.rootWrites == .discarded, mkdir(scratch, 0o700) != 0 { throw Self.failure("mkdir \(scratch)") }
        let bytes = try spec.encoded(mapping: mapping, scratch: scratch)
        let specPath = directory + "/spec", outputPath = directory + "/stdout", errorPath = directory + "/stderr"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: specPath))
        } catch {
            throw XArchError(.io, "cannot write the sandbox spec file \(specPath)", cause: error)
        }
        let start = ContinuousClock.now
        let keep = spec.keepStandardInput
        // The timer starts on the spawning thread, right after the spawn: the task resumes on the
        // cooperative pool, which other work may keep busy for a while.
        // A cancellation that comes while the task waits to resume (the run already started) kills the
        // run at once, from the cancelling thread: `control` holds the run as soon as it exists.
        let control = LaunchControl()
        let (run, raw) = try await withTaskCancellationHandler {
            let run = try await Self.launch(timeout: spec.timeout, control: control) { [self] in
                try spawn(specPath: specPath, outputPath: outputPath, errorPath: errorPath, keepStandardInput: keep)
            }
            let follower = spec.outputHandler.map { OutputFollower(paths: [outputPath, errorPath], handler: $0) }
            let raw = await run.status()
            follower?.finish()
            return (run, raw)
        } onCancel: {
            control.cancel()
        }
        let duration = run.endedAt.map { $0 - start } ?? ContinuousClock.now - start
        let status: Int32 = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        let (output, outputCut) = Self.tail(of: outputPath, limit: spec.outputLimit)
        let (errors, errorsCut) = Self.tail(of: errorPath, limit: spec.outputLimit)
        var failure: String?
        if status == XARCH_SANDBOX_FAILURE {
            failure = String(decoding: errors, as: UTF8.self).split(whereSeparator: \.isNewline)
                .last { $0.hasPrefix(XARCH_SANDBOX_PREFIX) }.map(String.init)
        }
        return SandboxResult(termination: SandboxResult.termination(status: status), status: status,
                             duration: duration, timedOut: run.timedOut, sandboxFailure: failure,
                             standardOutput: output, standardError: errors,
                             standardOutputTruncated: outputCut, standardErrorTruncated: errorsCut)
    }

    private func spawn(specPath: String, outputPath: String, errorPath: String, keepStandardInput: Bool) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        guard posix_spawn_file_actions_init(&actions) == 0 else { throw Self.failure("posix_spawn_file_actions_init") }
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawnattr_init(&attributes) == 0 else { throw Self.failure("posix_spawnattr_init") }
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        let flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        let output = O_WRONLY | O_CREAT | O_TRUNC // no O_CLOEXEC: these are the command's stdout and stderr
        guard (keepStandardInput || posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) == 0),
              posix_spawn_file_actions_addopen(&actions, 1, outputPath, output, 0o600) == 0,
              posix_spawn_file_actions_addopen(&actions, 2, errorPath, output, 0o600) == 0,
              posix_spawnattr_setsigdefault(&attributes, &all) == 0,
              posix_spawnattr_setsigmask(&attributes, &none) == 0,
              posix_spawnattr_setflags(&attributes, flags) == 0 else {
            throw Self.failure("posix_spawn setup")
        }
        let duplicate: (String) -> UnsafeMutablePointer<CChar>? = { strdup($0) }
        let argv = ["xarch-sandbox", specPath].map(duplicate) + [nil]
        let envp = ["\(XARCH_SANDBOX_ENV)=\(specPath)"].map(duplicate) + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard code == 0 else {
            throw XArchError(.io, "cannot start the sandbox \(executable): \(String(cString: strerror(code)))")
        }
        return pid
    }

    /// Spawns the run from a thread of its own, which then waits for it: the waiter's
    /// `PR_SET_PDEATHSIG` fires when the *thread* that spawned it ends (prctl(2)), so that thread must
    /// live as long as the run — a thread of the concurrency pool may be retired mid-run. Waits with
    /// `WNOWAIT` first and marks the run ended before reaping, so a late kill can never hit a reused pid.
    private static func launch(timeout: Duration?, control: LaunchControl,
                               _ spawn: @escaping @Sendable () throws -> pid_t) async throws -> RunState {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let pid: pid_t
                do { pid = try spawn() } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let run = RunState(pid: pid)
                if let timeout { run.startTimer(timeout) }
                control.started(run)
                continuation.resume(returning: run)
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
                run.markEnded()
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                run.complete(status)
            }
        }
    }

    private static func tail(of path: String, limit: Int) -> ([UInt8], Bool) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return ([], false) }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let cut = size > UInt64(max(limit, 0))
        guard (try? handle.seek(toOffset: cut ? size - UInt64(max(limit, 0)) : 0)) != nil else { return ([], false) }
        return ([UInt8]((try? handle.readToEnd()) ?? Data()), cut)
    }

    /// The name of a run's directory starts so: `xarch-sandbox-<pid>-<random>-XXXXXX` (see `StaleWork`).
    static let prefix = "xarch-sandbox-"

    private static func makeTemporaryDirectory() throws -> String {
        var template = Array((StaleWork.temporaryDirectory + "/" + StaleWork.name(prefix) + "-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw failure("mkdtemp")
        }
        return String(cString: made)
    }

    private static func failure(_ step: String) -> XArchError {
        XArchError(.io, "cannot start the sandbox: \(step) failed: \(String(cString: strerror(errno)))")
    }
}

/// Forwards what the command writes to its stdout and stderr files while it runs: a thread reads the
/// new bytes of both every 50 ms, and once more after the run ended.
private final class OutputFollower: Sendable {
    private let stopped = Mutex(false)
    private let done = DispatchSemaphore(value: 0)

    init(paths: [String], handler: @escaping @Sendable (Bool, [UInt8]) -> Void) {
        Thread.detachNewThread { [self] in
            var offsets = [UInt64](repeating: 0, count: paths.count)
            var handles = [FileHandle?](repeating: nil, count: paths.count)
            while true {
                let last = stopped.withLock { $0 }
                for (i, path) in paths.enumerated() {
                    if handles[i] == nil { handles[i] = FileHandle(forReadingAtPath: path) }
                    guard let handle = handles[i] else { continue }
                    while let data = try? handle.read(upToCount: 1 << 16), !data.isEmpty {
                        offsets[i] += UInt64(data.count)
                        handler(i == 1, [UInt8](data))
                    }
                }
                if last { break }
                usleep(50_000)
            }
            for handle in handles { try? handle?.close() }
            done.signal()
        }
    }

    /// Reads what is left and waits for the thread.
    func finish() {
        stopped.withLock { $0 = true }
        done.wait()
    }
}

/// Cancellation of a run that may not have started yet: remembered, and carried out on the run the
/// moment it exists.
private final class LaunchControl: Sendable {
    private let state = Mutex((cancelled: false, run: RunState?.none))

    func cancel() {
        let run = state.withLock { state -> RunState? in
            state.cancelled = true
            return state.run
        }
        run?.kill(timedOut: false)
    }

    func started(_ run: RunState) {
        let cancelled = state.withLock { state -> Bool in
            state.run = run
            return state.cancelled
        }
        if cancelled { run.kill(timedOut: false) }
    }
}

/// The spawned process of one run: killed at most while it has not been reaped.
private final class RunState: Sendable {
    let pid: pid_t
    private let state = Mutex((ended: false, timedOut: false, endedAt: ContinuousClock.Instant?.none))
    private let ended = DispatchSemaphore(value: 0)
    /// The raw wait status once reaped, and who waits for it.
    private let reaped = Mutex((status: Int32?.none, waiter: CheckedContinuation<Int32, Never>?.none))

    init(pid: pid_t) { self.pid = pid }

    /// Records the raw wait status (from the thread that reaped the run).
    func complete(_ status: Int32) {
        let waiter = reaped.withLock { state -> CheckedContinuation<Int32, Never>? in
            state.status = status
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: status)
    }

    /// The raw wait status, once the run is reaped.
    func status() async -> Int32 {
        await withCheckedContinuation { continuation in
            let known = reaped.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiter = continuation
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    var timedOut: Bool { state.withLock { $0.timedOut } }

    /// When the process ended, seen from the waiting thread (a busy cooperative pool may resume the
    /// task much later).
    var endedAt: ContinuousClock.Instant? { state.withLock { $0.endedAt } }

    func markEnded() {
        let now = ContinuousClock.now
        state.withLock {
            $0.ended = true
            $0.endedAt = now
        }
        ended.signal()
    }

    /// Kills the run after `timeout` unless it ended. The timer is a thread of its own, not a task: a
    /// busy cooperative pool must not delay the kill.
    func startTimer(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + attoseconds / 1_000_000_000
        Thread.detachNewThread { [self] in
            if ended.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut {
                kill(timedOut: true)
            }
        }
    }

    func kill(timedOut: Bool) {
        state.withLock { state in
            guard !state.ended else { return }
            state.timedOut = state.timedOut || timedOut
            _ = Glibc.kill(pid, SIGKILL)
        }
    }
}
