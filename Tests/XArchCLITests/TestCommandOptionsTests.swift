import Foundation
import Testing
import XArchCLI
import XArchModel
import XArchRun
import XArchTestSupport

/// The options of `xarch test` beyond the command: --require-all, -i, --network, --qemu-dir, --qemu-cpu,
/// and what a wrong variant does under the CPU it promises.
@Suite("xarch test options", .enabled(if: TestCommandTests.canRunAll,
                                      "needs the buildah-busybox layout (scripts/fixtures) and a way to run its 8 platforms"))
struct TestCommandOptionsTests {
    /// Runs the built `xarch` with `environment` added and `input` as stdin; (exit code, stdout, stderr).
    static func xarch(_ arguments: [String], environment: [String: String] = [:],
                      input: String? = nil) async throws -> (code: Int32, stdout: String, stderr: String) {
        let result = try await ProcessRun.run(try Executables.find("xarch", override: "XARCH_EXECUTABLE"), arguments,
                                              environment: environment, input: input)
        return (result.code, result.stdout, result.stderr)
    }

    /// Without any QEMU on the search path, arm64 is skipped: fine by default, a failure with --require-all.
    @Test func requireAllCountsSkippedPlatformsAsFailed() async throws {
        let empty = try TestImages.temporaryDirectory("xarch-no-qemu")
        defer { TestImages.cleanup(empty) }
        let environment = ["PATH": empty, "XARCH_QEMU_DIR": ""]
        let arguments = ["test", TestCommandTests.reference, "--platform", "linux/amd64,linux/arm64", "--no-cache",
                         "--", "/bin/busybox", "true"]
        let lenient = try await Self.xarch(arguments, environment: environment)
        #expect(lenient.code == 0, "\(lenient.stderr)")
        #expect(lenient.stdout.contains("1 passed, 0 failed, 1 skipped"), "\(lenient.stdout)")
        #expect(lenient.stdout.contains("apt-get install qemu-user-static"), "the reason says what would enable it")
        let required = try await Self.xarch(["test", "--require-all"] + arguments.dropFirst(), environment: environment)
        #expect(required.code == 3, "\(required.stderr)")
        #expect(required.stderr.contains("1 of 2 platforms could not run here (--require-all)"), "\(required.stderr)")
    }

    @Test func qemuDirIsSearchedFirstAndMustExist() async throws {
        let empty = try TestImages.temporaryDirectory("xarch-qemu-dir")
        defer { TestImages.cleanup(empty) }
        let qemu = try #require(["/usr/bin/qemu-s390x-static", "/usr/bin/qemu-s390x"].first { FileManager.default.fileExists(atPath: $0) })
        try FileManager.default.createSymbolicLink(atPath: empty + "/qemu-s390x-static", withDestinationPath: qemu)
        let found = try await Self.xarch(["test", TestCommandTests.reference, "--platform", "linux/s390x", "--no-cache",
                                    "--qemu-dir", empty, "--format", "json", "--", "/bin/busybox", "uname", "-m"],
                                   environment: ["PATH": "/nonexistent", "XARCH_QEMU_DIR": ""])
        #expect(found.code == 0, "\(found.stderr)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(found.stdout.utf8))
        #expect(report.results.first?.emulator?.path == empty + "/qemu-s390x-static")
        #expect(report.results.first?.stdout == "s390x\n")
        let missing = await CLIRun.run("test", TestCommandTests.reference, "--qemu-dir", "/nonexistent/qemu")
        #expect(missing.code == 1 && missing.stderr.contains("--qemu-dir /nonexistent/qemu: no such directory"), "\(missing.stderr)")
    }

    /// The armhf busybox is ARMv7 (Thumb-2) code: on the arm1176 (ARMv6) CPU it dies with SIGILL, and the
    /// reason says why. `--qemu-cpu` puts the v7 platform on that CPU; an image labelled arm/v6 gets it by default.
    @Test func armv7CodeOnAnArmv6CPUDiesWithSIGILL() async throws {
        let forced = await CLIRun.run("test", TestCommandTests.reference, "--platform", "linux/arm/v7", "--no-cache",
                                      "--qemu-cpu", "linux/arm/v7=arm1176", "--format", "json", "--", "/bin/busybox", "true")
        #expect(forced.code == 3, "\(forced.stderr)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(forced.stdout.utf8))
        #expect(report.results.first?.signal == "SIGILL")
        #expect(report.results.first?.emulator?.cpu == "arm1176")
        #expect(report.results.first?.reason?.contains("illegal instruction on the emulated arm1176 CPU") == true)

        let work = try TestImages.temporaryDirectory("xarch-armv6-label")
        defer { TestImages.cleanup(work) }
        try FileManager.default.createDirectory(atPath: work + "/context", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(Integration.fixturesRoot)/busybox/armhf/busybox", toPath: work + "/context/busybox")
        try Data("FROM scratch\nCOPY --chmod=755 busybox /bin/busybox\n".utf8).write(to: URL(fileURLWithPath: work + "/context/Dockerfile"))
        let build = await CLIRun.run("build", "--platform", "linux/arm/v6", "--output", "oci:\(work)/layout:v6", work + "/context")
        #expect(build.code == 0, "\(build.stderr)")
        let mislabelled = await CLIRun.run("test", "oci:\(work)/layout:v6", "--no-cache", "--format", "json", "--", "/bin/busybox", "true")
        #expect(mislabelled.code == 3, "\(mislabelled.stderr)")
        let v6 = try JSONDecoder().decode(ImageTestReport.self, from: Data(mislabelled.stdout.utf8))
        #expect(v6.results.map(\.platform) == ["linux/arm/v6"])
        #expect(v6.results.first?.signal == "SIGILL" && v6.results.first?.emulator?.cpu == "arm1176")
        let maxCPU = await CLIRun.run("test", "oci:\(work)/layout:v6", "--no-cache", "--qemu-cpu", "max", "--", "/bin/busybox", "true")
        #expect(maxCPU.code == 0, "QEMU's max CPU hides the mislabel: \(maxCPU.stdout)")
    }

    @Test func interactiveGivesStdinToOnePlatformOnly() async throws {
        let one = try await Self.xarch(["test", TestCommandTests.reference, "-i", "--platform", "linux/arm64", "--no-cache",
                                  "--format", "json", "--", "/bin/busybox", "tr", "a-z", "A-Z"], input: "hello\n")
        #expect(one.code == 0, "\(one.stderr)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(one.stdout.utf8))
        #expect(report.results.first?.stdout == "HELLO\n")
        let closed = try await Self.xarch(["test", TestCommandTests.reference, "--platform", "linux/amd64", "--no-cache",
                                     "--format", "json", "--", "/bin/busybox", "cat"], input: "not read\n")
        #expect(closed.code == 0, "without -i stdin is /dev/null: \(closed.stderr)")
        #expect(try JSONDecoder().decode(ImageTestReport.self, from: Data(closed.stdout.utf8)).results.first?.stdout == "")
        let many = try await Self.xarch(["test", TestCommandTests.reference, "-i", "--no-cache", "--", "/bin/busybox", "cat"], input: "x")
        #expect(many.code == 1 && many.stderr.contains("select one of the 8 platforms"), "\(many.stderr)")
    }

    @Test func networkHostSeesTheHostsInterfaces() async throws {
        func interfaces(_ extra: [String]) async throws -> [String] {
            let r = await CLIRun.run(["test", TestCommandTests.reference, "--platform", "linux/amd64", "--no-cache",
                                      "--format", "json"] + extra + ["--", "/bin/busybox", "cat", "/proc/net/dev"])
            #expect(r.code == 0, "\(r.stderr)")
            let out = try JSONDecoder().decode(ImageTestReport.self, from: Data(r.stdout.utf8)).results.first?.stdout ?? ""
            return out.split(separator: "\n").dropFirst(2).compactMap { $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) }.sorted()
        }
        #expect(try await interfaces([]) == ["lo"])
        #expect(try await interfaces(["--network", "none"]) == ["lo"])
        let host = (try String(contentsOfFile: "/proc/net/dev", encoding: .utf8)).split(separator: "\n").dropFirst(2)
            .compactMap { $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) }.sorted()
        #expect(try await interfaces(["--network", "host"]) == host)
        let wrong = await CLIRun.run("test", TestCommandTests.reference, "--network", "bridge")
        #expect(wrong.code == 2)
    }

    /// examples/hello, built for its 10 platforms, runs on each: every program prints its own platform
    /// (natively, with the 32-bit personality, or under QEMU with the variant's CPU — arm926 and arm1176 too).
    @Test func helloRunsOnEveryPlatform() async throws {
        let work = try TestImages.temporaryDirectory("xarch-hello-test")
        defer { TestImages.cleanup(work) }
        let build = await CLIRun.run("build", BuildCommandTests.hello, "--platform", "all", "--output", "oci:\(work):hello")
        #expect(build.code == 0, "\(build.stderr)")
        let r = await CLIRun.run("test", "oci:\(work):hello", "--platform", "all", "--require-all", "--no-cache", "--format", "json")
        #expect(r.code == 0, "\(r.stderr)\n\(r.stdout)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(r.stdout.utf8))
        #expect(report.results.count == 10 && report.passed == 10)
        for result in report.results {
            #expect(result.stdout == "hello from \(result.platform)\n")
        }
        #expect(Set(report.results.map(\.platform)) == ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5",
                                                         "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64", "linux/mips64le"])
        #expect(report.results.first { $0.platform == "linux/arm/v6" }?.emulator?.cpu == "arm1176")
    }
}
