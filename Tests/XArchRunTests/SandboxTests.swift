import Foundation
import Testing
import XArchModel
@testable import XArchRun
#if canImport(Glibc)
import Glibc
#endif

/// The sandbox on the host's own architecture: exit codes, signals, timeouts, environment, identity,
/// the private /tmp, and failures of the sandbox itself.
@Suite(.enabled(if: BusyboxRoot.canRun("amd64") && BusyboxRoot.mode("amd64") == .native(personality32: false),
                BusyboxRoot.reason("amd64")))
struct SandboxTests {
    @Test func nativeMachine() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let result = try await root.run("amd64", ["/bin/busybox", "uname", "-m"])
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        #expect(result.standardOutputText == "x86_64\n")
        #expect(result.sandboxFailure == nil)
    }

    @Test func exitCodePassesThrough() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let result = try await root.run("amd64", ["sh", "-c", "exit 7"])
        #expect(result.termination == .exited(7), "\(result.standardErrorText)")
        #expect(result.status == 7)
    }

    @Test func signalIsReported() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let result = try await root.run("amd64", ["sh", "-c", "kill -9 $$"])
        #expect(result.termination == .signaled(SIGKILL), "\(result.standardErrorText)")
        #expect(result.termination.description == "signal SIGKILL")
        #expect(!result.timedOut)
    }

    @Test func timeoutKillsEverything() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let marker = "xarch-timeout-\(UUID().uuidString)"
        let result = try await root.run("amd64", ["sh", "-c", "/bin/busybox sleep 30; echo \(marker)"]) {
            $0.timeout = .seconds(1)
        }
        #expect(result.timedOut)
        #expect(result.termination == .signaled(SIGKILL))
        #expect(result.duration < .seconds(20))
        #expect(try await eventually { processes(containing: marker).isEmpty }, "still running: \(processes(containing: marker))")
    }

    @Test func environmentIsExactlyTheGivenOne() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let environment = ["PATH=/bin", "A=1", "SPACED=a b=c"]
        let result = try await root.run("amd64", ["busybox", "env"], environment: environment)
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        #expect(result.standardOutputText.split(separator: "\n").map(String.init) == environment)
    }

    @Test(.enabled(if: geteuid() == 0, "uids other than the caller's map only when running as root"))
    func userIdentity() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let result = try await root.run("amd64", ["busybox", "id"]) {
            $0.uid = 65534
            $0.gid = 65534
            $0.groups = [100]
        }
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        #expect(result.standardOutputText == "uid=65534 gid=65534 groups=100\n")
    }

    @Test func unprivilegedMappingMapsOnlyTheCaller() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        var sandbox = Sandbox()
        sandbox.idMapping = .caller
        let spec = SandboxSpec(rootfs: root.path, arguments: ["sh", "-c", "busybox id -u; busybox cat /proc/self/uid_map"],
                               environment: ["PATH=/bin"])
        let result = try await sandbox.run(spec)
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        let lines = result.standardOutputText.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines == [["0"], ["0", "\(geteuid())", "1"]])
        var nobody = spec
        nobody.uid = 65534
        let refused = try await sandbox.run(nobody)
        #expect(refused.status == 125)
        #expect(refused.sandboxFailure == "xarch-sandbox: setuid: Invalid argument")
    }

    @Test func cancellationKillsEverything() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let marker = "xarch-cancel-\(UUID().uuidString)"
        let path = root.path
        let task = Task {
            try await Sandbox().run(SandboxSpec(rootfs: path, arguments: ["sh", "-c", "/bin/busybox sleep 30; echo \(marker)"]))
        }
        let watch = whenRunning(marker) { _ in task.cancel() }
        let result = try await task.value
        watch.stop()
        #expect(result.termination == .signaled(SIGKILL), "not cancelled while running: \(result.standardOutputText)")
        #expect(!result.timedOut)
        #expect(try await eventually { processes(containing: marker).isEmpty }, "still running: \(processes(containing: marker))")
    }

    /// SIGTERM to the spawned process travels through the child and init to the command.
    @Test func terminationIsForwarded() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let marker = "xarch-term-\(UUID().uuidString)"
        let path = root.path
        let task = Task {
            try await Sandbox().run(SandboxSpec(rootfs: path, arguments: ["sh", "-c", "/bin/busybox sleep 30; echo \(marker)"]))
        }
        let watch = whenRunning(marker) { command in
            // command → init → child → the spawned process, whose argv[0] the sandbox names.
            guard let spawned = ancestor(of: command, generations: 3),
                  FileManager.default.contents(atPath: "/proc/\(spawned)/cmdline")?.starts(with: Array("xarch-sandbox".utf8)) == true,
                  let pid = pid_t(spawned) else { return }
            kill(pid, SIGTERM)
        }
        let result = try await task.value
        watch.stop()
        #expect(result.termination == .signaled(SIGTERM), "not terminated through the spawned process: \(result.standardOutputText)")
    }

    @Test func onlyStandardDescriptorsReachTheCommand() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let result = try await root.run("amd64", ["busybox", "ls", "/proc/self/fd"])
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        // 3 is the directory ls itself opened.
        #expect(result.standardOutputText.split(separator: "\n") == ["0", "1", "2", "3"])
    }

    @Test func tmpIsPrivate() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let result = try await root.run("amd64", ["sh", "-c", "echo hi > /tmp/written && busybox cat /tmp/written"])
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        #expect(result.standardOutputText == "hi\n")
        #expect(!FileManager.default.fileExists(atPath: root.path + "/tmp/written"))
    }

    /// /dev as container runtimes give it: /dev/shm world-writable and sticky (whatever the umask),
    /// a private devpts instance with /dev/ptmx pointing into it (apt and dpkg open pseudo-terminals).
    @Test func devHasSharedMemoryAndPseudoTerminals() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let result = try await root.run("amd64", ["sh", "-c",
            "busybox stat -c %a /dev/shm; busybox readlink /dev/ptmx; busybox test -c /dev/pts/ptmx && echo pts; exec 3<>/dev/ptmx; busybox ls /dev/pts | busybox tr '\\n' ' '"])
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        let lines = result.standardOutputText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(lines.prefix(3) == ["1777", "pts/ptmx", "pts"], "\(result.standardOutputText)")
        // opening /dev/ptmx made the pseudo-terminal 0 in this instance (the host's are not visible)
        #expect(lines.last == "0 ptmx", "a pseudo-terminal was not allocated: \(result.standardOutputText) \(result.standardErrorText)")
    }

    @Test func hostnameAndIsolatedNetwork() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let result = try await root.run("amd64", ["sh", "-c", "busybox hostname; busybox ls /sys/class/net 2>/dev/null; busybox cat /proc/net/dev | busybox wc -l"]) {
            $0.hostname = "sandbox-host"
        }
        #expect(result.termination == .exited(0), "\(result.standardErrorText)")
        // hostname, then /proc/net/dev: two header lines and lo only.
        #expect(result.standardOutputText == "sandbox-host\n3\n")
    }

    @Test func missingCommandIs127() async throws {
        let root = try BusyboxRoot("amd64")
        defer { root.remove() }
        let result = try await root.run("amd64", ["no-such-command"])
        #expect(result.termination == .exited(127))
        #expect(result.sandboxFailure == nil)
        #expect(result.standardErrorText.contains("exec no-such-command"))
    }

    @Test func sandboxFailureIsTold() async throws {
        let spec = SandboxSpec(rootfs: "/nonexistent-\(UUID().uuidString)", arguments: ["/bin/sh"])
        let result = try await Sandbox().run(spec)
        #expect(result.status == 125)
        let failure = try #require(result.sandboxFailure)
        #expect(failure.hasPrefix("xarch-sandbox: mount (bind) on /nonexistent-"), "\(failure)")
    }

    @Test func skippedModeThrows() async throws {
        let spec = SandboxSpec(rootfs: "/", arguments: ["/bin/true"], mode: .skipped(reason: "test"))
        await #expect(throws: XArchError.self) { try await Sandbox().run(spec) }
    }
}
