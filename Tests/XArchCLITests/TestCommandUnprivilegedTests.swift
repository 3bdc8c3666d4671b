import Foundation
import Testing
import XArchModel
import XArchRun
import XArchTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `xarch test` run by a user other than root (with runuser, from a root test run): the caller maps to 0
/// and a `USER` other than root is refused with what would allow it; with subordinate ids (a user named
/// by `XARCH_TEST_SUBID_USER` that has ranges in /etc/subuid and /etc/subgid), any user works.
@Suite("xarch test as an unprivileged user", .enabled(if: geteuid() == 0 && TestCommandTests.canRunAll
                                                      && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
                                                      "needs root (to switch users with runuser) and the busybox layout"))
struct TestCommandUnprivilegedTests {
    /// A directory the user can read and write, holding a copy of xarch and of the layout.
    static func sandboxHome(for user: String) throws -> String {
        let home = try TestImages.temporaryDirectory("xarch-unprivileged")
        let xarch = try Executables.find("xarch", override: "XARCH_EXECUTABLE").path
        for (from, to) in [(xarch, home + "/xarch"), (TestCommandTests.layout, home + "/layout")] {
            try FileManager.default.copyItem(atPath: from, toPath: to)
        }
        let chown = Process()
        chown.executableURL = URL(fileURLWithPath: "/bin/chown")
        chown.arguments = ["-R", user, home]
        try chown.run()
        chown.waitUntilExit()
        try #require(chown.terminationStatus == 0)
        chmod(home, 0o755)
        return home
    }

    /// Runs `xarch ARGS` as `user` in `home`; (exit code, stdout, stderr).
    static func run(as user: String, home: String, _ arguments: [String]) async throws -> (Int32, String, String) {
        let result = try await ProcessRun.run(URL(fileURLWithPath: "/usr/sbin/runuser"),
                                              ["-u", user, "--", "/usr/bin/env", "-i", "HOME=\(home)", "XDG_CACHE_HOME=\(home)/cache",
                                               "TMPDIR=\(home)", "PATH=/usr/bin:/bin", home + "/xarch"] + arguments)
        return (result.code, result.stdout, result.stderr)
    }

    @Test func nobodyRunsAsRootInsideAndCannotTakeOtherUsers() async throws {
        let home = try Self.sandboxHome(for: "nobody")
        defer { TestImages.cleanup(home) }
        let (code, stdout, stderr) = try await Self.run(as: "nobody", home: home, [
            "test", "oci:\(home)/layout:multi", "--platform", "linux/amd64,linux/arm64", "--format", "json",
            "--", "/bin/busybox", "sh", "-c", "busybox id -u; echo x > /etc/written; busybox cat /proc/self/uid_map"])
        #expect(code == 0, "\(stderr)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(stdout.utf8))
        let nobody = try #require(getpwnam("nobody")).pointee.pw_uid
        for result in report.results {
            let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(lines == ["0", "0 \(nobody) 1"], "\(result.platform): \(result.stdout)")
        }
        let other = try await Self.run(as: "nobody", home: home, ["test", "oci:\(home)/layout:multi", "--platform", "linux/amd64",
                                                            "--user", "65534", "--", "/bin/busybox", "true"])
        #expect(other.0 == 3)
        #expect(other.1.contains("cannot be taken: an unprivileged run maps only the caller"), "\(other.1)")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["XARCH_TEST_SUBID_USER"] != nil,
                   "set XARCH_TEST_SUBID_USER to a user with ranges in /etc/subuid and /etc/subgid (and newuidmap installed)"))
    func subordinateIdsLetAnyUserRun() async throws {
        let user = try #require(ProcessInfo.processInfo.environment["XARCH_TEST_SUBID_USER"])
        let home = try Self.sandboxHome(for: user)
        defer { TestImages.cleanup(home) }
        let (code, stdout, stderr) = try await Self.run(as: user, home: home, [
            "test", "oci:\(home)/layout:multi", "--platform", "linux/amd64,linux/arm64", "--user", "65534:65534",
            "--format", "json", "--", "/bin/busybox", "sh", "-c", "busybox id; echo x > /tmp/f; busybox stat -c %u:%g /tmp/f"])
        #expect(code == 0, "\(stderr)\n\(stdout)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(stdout.utf8))
        #expect(report.results.map(\.stdout) == Array(repeating: "uid=65534 gid=65534\n65534:65534\n", count: 2))
    }
}
