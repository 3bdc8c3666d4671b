import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import XArchCLI
import XArchModel
import XArchRun
import XArchTestSupport

/// `xarch test` on the command line, on the 8-platform busybox layout of `scripts/fixtures`.
@Suite("xarch test on the command line")
struct TestCommandTests {
    static let layout = "\(Integration.fixturesRoot)/layouts/buildah-busybox"
    static let reference = "oci:\(layout):multi"
    /// The platforms of the layout, in index order, with the `uname -m` each must print.
    static let machines: [(platform: String, machine: String)] = [
        ("linux/amd64", "x86_64"), ("linux/arm64/v8", "aarch64"), ("linux/arm/v7", "armv7l"), ("linux/arm/v5", "armv5tel"),
        ("linux/386", "i686"), ("linux/ppc64le", "ppc64le"), ("linux/s390x", "s390x"), ("linux/mips64le", "mips64"),
    ]
    static let modes = ExecutionModes.detect()
    /// The fixture is there and this host runs every platform of it, natively or under QEMU.
    static var canRunAll: Bool {
        guard Integration.hasFixture("layouts/buildah-busybox/index.json") else { return false }
        return machines.allSatisfy { entry in
            guard let platform = try? Platform(parsing: entry.platform) else { return false }
            if case .skipped = modes.mode(for: platform) { return false }
            return true
        }
    }

    @Test func helpNamesTheOptions() async {
        let r = await CLIRun.run("test", "--help")
        #expect(r.code == 0)
        for option in ["--platform", "--timeout", "--format", "--expect-exit", "--expect-output", "--entrypoint", "--spec"] {
            #expect(r.stdout.contains(option), "\(option)")
        }
    }

    @Test(arguments: [["--timeout", "0"], ["--format", "yaml"], ["--jobs", "0"]])
    func usageErrorsExitTwo(arguments: [String]) async {
        let r = await CLIRun.run(["test", "oci:/nonexistent"] + arguments)
        #expect(r.code == 2, "\(r.stderr)")
    }

    @Test(.enabled(if: canRunAll, "needs the buildah-busybox layout (scripts/fixtures) and a way to run its 8 platforms"))
    func everyPlatformPrintsItsOwnMachineInJSON() async throws {
        let r = await CLIRun.run("test", Self.reference, "--platform", "all", "--no-cache", "--format", "json",
                                 "--", "/bin/busybox", "uname", "-m")
        #expect(r.code == 0, "\(r.stderr)\n\(r.stdout)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(r.stdout.utf8))
        #expect(report.results.map(\.platform) == Self.machines.map(\.platform))
        #expect(report.results.map(\.stdout) == Self.machines.map { $0.machine + "\n" })
        #expect((report.passed, report.failed, report.skipped) == (8, 0, 0))
        #expect(report.results.allSatisfy { $0.mode == "native" ? $0.emulator == nil : $0.emulator?.version != nil })
    }

    @Test(.enabled(if: canRunAll, "needs the buildah-busybox layout (scripts/fixtures) and a way to run its 8 platforms"))
    func junitHasOneTestcasePerPlatform() async throws {
        let r = await CLIRun.run("test", Self.reference, "--no-cache", "--format", "junit", "--expect-output", "^(x86_64|aarch64)$",
                                 "--", "/bin/busybox", "uname", "-m")
        #expect(r.code == 3, "two of eight match, six fail: \(r.stderr)")
        let collector = try JUnitCollector.parse(r.stdout)
        #expect(collector.suites == 1)
        #expect(collector.testcases == Self.machines.map(\.platform))
        #expect(collector.failures == 6)
    }

    @Test(.enabled(if: canRunAll, "needs the buildah-busybox layout (scripts/fixtures) and a way to run its 8 platforms"))
    func expectedExitPassesAndATimeoutFailsWithASignal() async throws {
        let seven = await CLIRun.run("test", Self.reference, "--platform", "linux/amd64,linux/arm64", "--no-cache",
                                     "--expect-exit", "7", "--", "/bin/busybox", "sh", "-c", "exit 7")
        #expect(seven.code == 0, "\(seven.stderr)\n\(seven.stdout)")
        #expect(seven.stdout.contains("2 passed, 0 failed, 0 skipped"))
        let slow = await CLIRun.run("test", Self.reference, "--platform", "linux/s390x", "--no-cache", "--timeout", "1",
                                    "--format", "json", "--", "/bin/busybox", "sleep", "30")
        #expect(slow.code == 3)
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(slow.stdout.utf8))
        #expect(report.results.count == 1 && report.results[0].signal == "SIGKILL" && report.failed == 1)
    }

    /// The real executable runs a foreign platform: the sandbox's constructor is linked into `xarch`.
    @Test(.enabled(if: canRunAll, "needs the buildah-busybox layout (scripts/fixtures) and a way to run its 8 platforms"))
    func theBuiltExecutableRunsAForeignPlatform() async throws {
        let xarch = try Executables.find("xarch", override: "XARCH_EXECUTABLE")
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("xarch-test-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        // Waited for on a thread of its own (ProcessRun), never blocking the cooperative pool.
        let run = try await ProcessRun.run(xarch, ["test", Self.reference, "--platform", "linux/s390x", "--format", "json", "--",
                                                   "/bin/busybox", "uname", "-m"], environment: ["XDG_CACHE_HOME": cache])
        #expect(run.code == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(run.stdout.utf8))
        #expect(report.results.map(\.stdout) == ["s390x\n"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/xarch/rootfs").count == 1, "unpacked into the cache")

        // `xarch cache prune` empties that cache.
        let prune = try await ProcessRun.run(xarch, ["cache", "prune", "--format", "json"], environment: ["XDG_CACHE_HOME": cache])
        #expect(prune.code == 0, "\(prune.stderr)")
        let pruned = Data(prune.stdout.utf8)
        let answer = try JSONSerialization.jsonObject(with: pruned) as? [String: Any]
        #expect(answer?["removed"] as? Int == 1 && answer?["directory"] as? String == cache + "/xarch/rootfs")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/xarch/rootfs").isEmpty)
    }
}

/// Counts what a JUnit document holds.
final class JUnitCollector: NSObject, XMLParserDelegate, @unchecked Sendable {
    var suites = 0
    /// The `<testsuite>`'s attributes (the last one's).
    var suite: [String: String] = [:]
    var testcases: [String] = []
    var classnames: [String] = []
    var failures = 0
    var skipped = 0

    /// What `xml` holds; throws when it does not parse.
    static func parse(_ xml: String) throws -> JUnitCollector {
        let collector = JUnitCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = collector
        guard parser.parse() else {
            throw XArchError(.invalidInput, "not XML: \(parser.parserError.map { "\($0)" } ?? "")\n\(xml)")
        }
        return collector
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "testsuite":
            suites += 1
            suite = attributes
        case "testcase":
            testcases.append(attributes["name"] ?? "")
            classnames.append(attributes["classname"] ?? "")
        case "failure": failures += 1
        case "skipped": skipped += 1
        default: break
        }
    }
}
