import Foundation
import Synchronization
import Testing
import XArchModel
import XArchRun
import XArchTestSupport

/// A root filesystem made by hand from the busybox fixture of one Debian architecture
/// (`fixtures/busybox/<arch>/busybox`, made by `scripts/fixtures`): `bin/busybox` and `bin/sh`.
struct BusyboxRoot {
    /// Debian architecture → platform and the `uname -m` its busybox must print.
    static let table: [String: (platform: Platform, machine: String)] = [
        "amd64": (Platform(os: "linux", architecture: "amd64"), "x86_64"),
        "arm64": (Platform(os: "linux", architecture: "arm64"), "aarch64"),
        "armhf": (Platform(os: "linux", architecture: "arm", variant: "v7"), "armv7l"),
        "armel": (Platform(os: "linux", architecture: "arm", variant: "v5"), "armv5tel"),
        "i386": (Platform(os: "linux", architecture: "386"), "i686"),
        "s390x": (Platform(os: "linux", architecture: "s390x"), "s390x"),
        "ppc64el": (Platform(os: "linux", architecture: "ppc64le"), "ppc64le"),
        "mips64el": (Platform(os: "linux", architecture: "mips64le"), "mips64"),
    ]

    static let modes = ExecutionModes.detect()

    let path: String

    static func busybox(_ arch: String) -> String { "\(Integration.fixturesRoot)/busybox/\(arch)/busybox" }

    static func platform(_ arch: String) -> Platform { table[arch]!.platform }

    static func mode(_ arch: String) -> ExecutionMode { modes.mode(for: platform(arch)) }

    /// Whether the fixture exists (always assumed under scripts/test, which builds it, so that its
    /// absence fails there) and this host can run the architecture (natively or emulated).
    static func canRun(_ arch: String) -> Bool {
        guard Integration.hasFixture("busybox/\(arch)/busybox") else { return false }
        if case .skipped = mode(arch) { return false }
        return true
    }

    /// The emulator when the fixture exists and the architecture runs under QEMU here.
    static func emulator(_ arch: String) -> QEMUEmulator? {
        guard Integration.hasFixture("busybox/\(arch)/busybox"), case .binfmtUserNamespace(let emulator) = mode(arch) else {
            return nil
        }
        return emulator
    }

    static func reason(_ arch: String) -> Comment {
        "needs \(busybox(arch)) (scripts/fixtures) and a way to run \(arch): \(mode(arch))"
    }

    init(_ arch: String) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("xarch-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base + "/bin", withIntermediateDirectories: true)
        // Copied by cp, not in this process: a file written here while another test spawns a sandbox
        // could be held open for writing by that child for a moment, and exec would fail (ETXTBSY).
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = [Self.busybox(arch), base + "/bin/busybox"]
        try copy.run()
        copy.waitUntilExit()
        try #require(copy.terminationStatus == 0, "cp \(Self.busybox(arch)) failed")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: base + "/bin/busybox")
        try FileManager.default.createSymbolicLink(atPath: base + "/bin/sh", withDestinationPath: "busybox")
        path = base
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Runs `arguments` in this root with the architecture's mode.
    func run(_ arch: String, _ arguments: [String], environment: [String] = ["PATH=/bin"],
             configure: (inout SandboxSpec) -> Void = { _ in }) async throws -> SandboxResult {
        var spec = SandboxSpec(rootfs: path, arguments: arguments, environment: environment,
                               mode: Self.mode(arch), timeout: .seconds(60))
        configure(&spec)
        return try await Sandbox().run(spec)
    }
}

/// What the host shows of binfmt_misc: the `status` text and the entries (nil when not mounted).
func hostBinfmt() -> [String] {
    let directory = "/proc/sys/fs/binfmt_misc"
    let status = (try? String(contentsOfFile: directory + "/status", encoding: .utf8)) ?? "(not mounted)"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return [status] + entries.sorted()
}

/// The pids whose command line contains `marker`.
func processes(containing marker: String) -> [String] {
    let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return pids.filter { pid in
        guard pid.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
            return false
        }
        return String(decoding: data, as: UTF8.self).contains(marker)
    }
}

/// Polls `condition` every 20 ms for up to `seconds` (generous: the suite may run on a loaded machine);
/// returns its last value.
func eventually(within seconds: Int = 20, _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: .milliseconds(20))
    }
    return true
}

/// Calls `action` with the pid of the first process whose command line holds `marker`, from a thread of
/// its own (not a task: a cooperative pool busy with other tests must not delay it), polling until then
/// or until the returned watch is stopped.
@discardableResult
func whenRunning(_ marker: String, _ action: @escaping @Sendable (String) -> Void) -> Watch {
    let watch = Watch()
    Thread.detachNewThread {
        while !watch.isStopped {
            if let pid = processes(containing: marker).first {
                action(pid)
                return
            }
            usleep(20_000)
        }
    }
    return watch
}

/// Stops a `whenRunning` poll.
final class Watch: Sendable {
    private let stopped = Mutex(false)
    var isStopped: Bool { stopped.withLock { $0 } }
    func stop() { stopped.withLock { $0 = true } }
}

/// The pid `generations` parents above `pid`, from `/proc/PID/stat`.
func ancestor(of pid: String, generations: Int) -> String? {
    var current = pid
    for _ in 0..<generations {
        guard let stat = try? String(contentsOfFile: "/proc/\(current)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 1 else { return nil }
        current = String(fields[1])
    }
    return current
}
