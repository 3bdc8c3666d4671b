import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import XArchCLI
import XArchModel
import XArchRun
import XArchTestSupport

/// `xarch test --spec FILE` on the command line, on the amd64 (native) and arm64 (emulated) images of
/// the buildah busybox layout of `scripts/fixtures`.
@Suite("xarch test --spec on the command line")
struct TestCommandSpecTests {
    static let reference = TestCommandTests.reference
    static let platforms = ["linux/amd64", "linux/arm64/v8"]
    static var canRunBoth: Bool {
        guard Integration.hasFixture("layouts/buildah-busybox/index.json") else { return false }
        return platforms.allSatisfy { text in
            guard let platform = try? Platform(parsing: text) else { return false }
            if case .skipped = TestCommandTests.modes.mode(for: platform) { return false }
            return true
        }
    }

    /// Seven tests; on each platform two fail (`expected failure`, and the machine test of the other
    /// platform is not listed), so each platform lists six.
    static let spec = """
        schemaVersion: "2.0.0"
        commandTests:
          - name: uname amd64
            command: /bin/busybox
            args: [uname, -m]
            expectedOutput: ["^x86_64$"]
            platforms: [linux/amd64]
          - name: uname arm64
            command: /bin/busybox
            args: [uname, -m]
            expectedOutput: ["^aarch64$"]
            platforms: [linux/arm64]
          - name: expected failure
            command: sh
            args: [-c, "echo about to fail; exit 5"]
        fileExistenceTests:
          - {name: busybox, path: /bin/busybox, permissions: "-rwxr-xr-x", isExecutableBy: any}
          - {name: no bash, path: /bin/bash, shouldExist: false}
        fileContentTests:
          - {name: busybox says so, path: /bin/busybox, expectedContents: [BusyBox]}
        metadataTest:
          cmd: [/bin/sh]
          entrypoint: []
          unexposedPorts: ["22"]
        """

    /// Writes `text` to a new file and returns its path; the caller removes the directory.
    static func file(_ text: String) throws -> (path: String, directory: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xarch-spec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/spec.yaml", atomically: false, encoding: .utf8)
        return (directory + "/spec.yaml", directory)
    }

    static func run(_ spec: String = spec, _ arguments: String...) async throws -> CLIRun {
        let (path, directory) = try file(spec)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return await CLIRun.run(["test", reference, "--platform", "linux/amd64,linux/arm64", "--no-cache", "--spec", path] + arguments)
    }

    @Test(.enabled(if: canRunBoth, "needs the buildah-busybox layout (scripts/fixtures) and a way to run amd64 and arm64"))
    func textListsEachFailedTestByPlatform() async throws {
        let r = try await Self.run()
        #expect(r.code == 3, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.dropFirst().first?.contains("TESTS") == true, "\(r.stdout)")
        #expect(lines.filter { $0.contains(" fail ") && $0.contains("5/6 passed") }.count == 2, "\(r.stdout)")
        for platform in Self.platforms {
            let at = try #require(lines.firstIndex(of: "\(platform): expected failure: exit 5, expected exit 0"), "\(r.stdout)")
            #expect(lines[at + 1] == "  stdout:" && lines[at + 2] == "    about to fail")
        }
        #expect(lines.last == "0 passed, 2 failed, 0 skipped")
        #expect(r.stderr == "xarch: 2 of 2 platforms failed\n")
    }

    @Test(.enabled(if: canRunBoth, "needs the buildah-busybox layout (scripts/fixtures) and a way to run amd64 and arm64"))
    func jsonHasTheTestsOfEachPlatform() async throws {
        let r = try await Self.run(Self.spec, "--format", "json")
        #expect(r.code == 3, "\(r.stderr)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(r.stdout.utf8))
        #expect(report.results.map(\.platform) == Self.platforms)
        let amd64 = try #require(report.results[0].tests), arm64 = try #require(report.results[1].tests)
        #expect(amd64.map(\.name) == ["uname amd64", "expected failure", "busybox", "no bash", "busybox says so", "metadata"])
        #expect(arm64.map(\.name) == ["uname arm64", "expected failure", "busybox", "no bash", "busybox says so", "metadata"])
        #expect(amd64[0].stdout == "x86_64\n" && arm64[0].stdout == "aarch64\n")
        #expect(amd64.map(\.passed) == [true, false, true, true, true, true], "\(amd64.map { $0.reason ?? "" })")
        #expect(arm64.map(\.passed) == [true, false, true, true, true, true], "\(arm64.map { $0.reason ?? "" })")
        // The JSON names: kind and exitCode on a command test; no stdout/stderr on a file test.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let tests = try #require(((object["results"] as? [[String: Any]])?.first)?["tests"] as? [[String: Any]])
        #expect(tests[1]["kind"] as? String == "command" && tests[1]["exitCode"] as? Int == 5)
        #expect(tests[2]["kind"] as? String == "fileExistence" && tests[2]["stdout"] == nil && tests[2]["exitCode"] == nil)
        #expect(tests[5]["kind"] as? String == "metadata")
    }

    @Test(.enabled(if: canRunBoth, "needs the buildah-busybox layout (scripts/fixtures) and a way to run amd64 and arm64"))
    func withoutASpecThereAreNoTests() async throws {
        let r = await CLIRun.run("test", Self.reference, "--platform", "linux/amd64", "--no-cache", "--format", "json",
                                 "--", "/bin/busybox", "true")
        #expect(r.code == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("\"tests\""))
    }

    @Test(.enabled(if: canRunBoth, "needs the buildah-busybox layout (scripts/fixtures) and a way to run amd64 and arm64"))
    func junitHasOneTestcasePerPlatformAndTest() async throws {
        let r = try await Self.run(Self.spec, "--format", "junit", "--", "/bin/busybox", "echo", "hi")
        #expect(r.code == 3, "\(r.stderr)")
        let collector = try JUnitCollector.parse(r.stdout)
        #expect(collector.suites == 1)
        let names = ["command", "expected failure", "busybox", "no bash", "busybox says so", "metadata"]
        #expect(collector.testcases == ["linux/amd64: command", "linux/amd64: uname amd64"] + names.dropFirst().map { "linux/amd64: \($0)" }
            + ["linux/arm64/v8: command", "linux/arm64/v8: uname arm64"] + names.dropFirst().map { "linux/arm64/v8: \($0)" })
        #expect(collector.classnames == Array(repeating: "linux/amd64", count: 7) + Array(repeating: "linux/arm64/v8", count: 7))
        #expect(collector.failures == 2 && collector.skipped == 0)
        #expect(collector.suite["tests"] == "14" && collector.suite["failures"] == "2" && collector.suite["skipped"] == "0")
    }

    /// A bad spec stops before any image is read: one line naming the file, exit 1 (bad input, as an
    /// invalid `--expect-output` is).
    @Test(arguments: [
        ("commandTests: [{name: a, command: x, setup: [[x]]}]", "commandTests[0].setup: setup is not supported"),
        ("commandTests: [{name: a, command: x, expectedOutput: ['(']}]", "commandTests[0] (\"a\"): expectedOutput /(/ is not a valid regular expression"),
        ("commandTests: [{name: a, command: x", "is not YAML"),
        ("fileExistenceTests: [{name: a, path: /, owner: 0}]", "fileExistenceTests[0].owner: unknown key"),
    ])
    func aBadSpecIsOneLineNamingTheFile(yaml: String, message: String) async throws {
        let (path, directory) = try Self.file(yaml)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let r = await CLIRun.run("test", "oci:/nonexistent:x", "--spec", path)
        #expect(r.code == 1)
        #expect(r.stderr.hasPrefix("xarch: ") && r.stderr.contains(path) && r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stdout.isEmpty)
        let missing = await CLIRun.run("test", "oci:/nonexistent:x", "--spec", directory + "/nope.yaml")
        #expect(missing.code == 1 && missing.stderr == "xarch: cannot read the test spec \(directory)/nope.yaml: no such file\n")
    }
}
