import Foundation
import Testing
import XArchModel
import XArchRun
import XArchTestSupport
import Yams

/// `examples/ci/`: the by-digest matrix workflow, linted by its structure, and its xarch steps (the lines
/// of its `run:` blocks that call `examples/ci/xarch-ci.sh`) run end to end against the test registry.
@Suite("CI example")
struct CIExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let workflowPath = "\(root)/examples/ci/github-actions.yml"
    static let script = "examples/ci/xarch-ci.sh"

    /// The workflow, parsed (`compose`: every scalar kept as written, so `on:` stays a string key).
    static func workflow() throws -> Node {
        let text = try String(contentsOfFile: workflowPath, encoding: .utf8)
        return try #require(try Yams.compose(yaml: text))
    }

    /// Every step of `job`, in order.
    static func steps(_ workflow: Node, _ job: String) -> [Node] {
        Array(workflow["jobs"]?[job]?["steps"]?.sequence ?? [])
    }

    /// `needs:` of a job, a string or a list.
    static func needs(_ workflow: Node, _ job: String) -> [String] {
        guard let node = workflow["jobs"]?[job]?["needs"] else { return [] }
        return node.sequence.map { $0.compactMap(\.string) } ?? node.string.map { [$0] } ?? []
    }

    /// The build matrix: (platform, runner, qemu) per entry.
    static func matrix(_ workflow: Node) -> [(platform: String, runner: String, qemu: Bool)] {
        let include = workflow["jobs"]?["build"]?["strategy"]?["matrix"]?["include"]?.sequence ?? []
        return include.map { entry in
            (entry["platform"]?.string ?? "", entry["runner"]?.string ?? "", entry["qemu"]?.bool ?? false)
        }
    }

    /// The lines of `job`'s `run:` blocks that call the script.
    static func scriptLines(_ workflow: Node, _ job: String) -> [String] {
        steps(workflow, job).compactMap { $0["run"]?.string }.flatMap { $0.split(separator: "\n").map(String.init) }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix(script) }
    }

    @Test func theWorkflowIsTheByDigestMatrix() throws {
        let workflow = try Self.workflow()
        let jobs = try #require(workflow["jobs"]?.mapping).keys.compactMap(\.string)
        #expect(Set(["xarch", "build", "merge", "test", "audit"]).isSubset(of: jobs), "\(jobs)")
        #expect(Self.needs(workflow, "build") == ["xarch"])
        #expect(Self.needs(workflow, "merge") == ["build"])
        #expect(Self.needs(workflow, "test") == ["merge"])
        #expect(Self.needs(workflow, "audit") == ["merge"])

        // Native runners for amd64 and arm64; every other platform on a runner with QEMU installed.
        let matrix = Self.matrix(workflow)
        #expect(matrix.contains { $0 == ("linux/amd64", "ubuntu-24.04", false) })
        #expect(matrix.contains { $0 == ("linux/arm64", "ubuntu-24.04-arm", false) })
        for entry in matrix where !["linux/amd64", "linux/arm64"].contains(entry.platform) {
            #expect(entry.qemu, "\(entry.platform) has no runner of its own: it needs QEMU")
        }
        let qemuStep = Self.steps(workflow, "build").first { $0["run"]?.string?.contains("qemu-user-static") == true }
        #expect(qemuStep?["if"]?.string == "matrix.qemu")
        #expect(workflow["jobs"]?["build"]?["runs-on"]?.string == "${{ matrix.runner }}")
        // The platforms the merge requires are exactly the ones built.
        let required = workflow["env"]?["PLATFORMS"]?.string?.split(separator: ",").map(String.init) ?? []
        #expect(Set(required) == Set(matrix.map(\.platform)), "PLATFORMS \(required) ≠ the matrix")

        // Artifacts: one metadata file per build job, all downloaded side by side by the merge job.
        let upload = Self.steps(workflow, "build").first { $0["uses"]?.string?.hasPrefix("actions/upload-artifact@") == true }
        #expect(upload?["with"]?["path"]?.string == "metadata/*.json")
        let download = Self.steps(workflow, "merge").first { $0["with"]?["pattern"] != nil }
        #expect(download?["uses"]?.string?.hasPrefix("actions/download-artifact@") == true)
        #expect(download?["with"]?["pattern"]?.string == "metadata-*")
        #expect(download?["with"]?["merge-multiple"]?.bool == true)
        #expect(download?["with"]?["path"]?.string == "metadata")

        // The xarch steps: build per platform, then merge (index create --from-metadata, verify --require), then test.
        #expect(Self.scriptLines(workflow, "build") == ["\(Self.script) build \"${{ matrix.platform }}\""])
        #expect(Self.scriptLines(workflow, "merge") == ["\(Self.script) merge"])
        #expect(Self.scriptLines(workflow, "test") == ["\(Self.script) test"])
        let script = try String(contentsOfFile: "\(Self.root)/\(Self.script)", encoding: .utf8)
        for needed in ["--push-by-digest \"$IMAGE\"", "--metadata-file", "index create", "--from-metadata",
                       "verify \"$IMAGE:$VERSION\" --require \"$PLATFORMS\"", "test \"$IMAGE:$VERSION\" --platform all --require-all"] {
            #expect(script.contains(needed), "the script lacks \(needed)")
        }
        // Every action is pinned to a version.
        for job in jobs {
            for step in Self.steps(workflow, job) {
                if let uses = step["uses"]?.string { #expect(uses.contains("@v"), "\(job): \(uses)") }
            }
        }
    }

    /// The platforms of the matrix, and whether this host can run each (natively or under QEMU).
    static var canRunTheMatrix: Bool {
        guard let workflow = try? workflow() else { return false }
        let modes = ExecutionModes.detect()
        return matrix(workflow).allSatisfy { entry in
            guard let platform = try? Platform(parsing: entry.platform) else { return false }
            if case .skipped = modes.mode(for: platform) { return false }
            return true
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"), .requiresTools("curl"),
          .enabled(if: canRunTheMatrix, "needs a way to run every platform of the workflow's matrix here (QEMU, user namespaces)"))
    func theWorkflowsStepsRunEndToEndAgainstTheTestRegistry() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let workflow = try Self.workflow()
        let xarch = try Executables.find("xarch", override: "XARCH_EXECUTABLE")
        let repository = "xarch-tests/ci-\(UUID().uuidString.prefix(8).lowercased())"
        let platforms = Self.matrix(workflow).map(\.platform)
        try await TestImages.withTemporaryDirectory("ci-example") { dir in
            // xarch on PATH, as the workflow puts it there; the hello example as the repository's Dockerfile.
            try FileManager.default.createDirectory(atPath: "\(dir)/bin", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(dir)/bin/xarch", withDestinationPath: xarch.path)
            let environment = [
                "PATH": "\(dir)/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "IMAGE": "\(registry)/\(repository)", "VERSION": "1.0.0", "PLATFORMS": platforms.joined(separator: ","),
                "REVISION": "0123abc", "SOURCE_URL": "https://example.com/app", "CONTEXT": "\(Self.root)/examples/hello",
                "METADATA_DIR": "\(dir)/metadata", "JUNIT": "\(dir)/xarch-test.xml",
                "BUILDER_ID": "https://github.example/team/app/actions/runs/7",
            ]
            func run(_ line: String) async throws -> String {
                let result = try await ProcessRun.run(URL(fileURLWithPath: "/bin/bash"), ["-c", "cd \"$0\" && \(line)", Self.root],
                                                      environment: environment)
                #expect(result.code == 0, "\(line): \(result.stderr)")
                return result.stdout
            }
            // build: one job per matrix entry, its run line with the matrix expanded.
            for platform in platforms {
                for line in Self.scriptLines(workflow, "build") {
                    _ = try await run(line.replacingOccurrences(of: "${{ matrix.platform }}", with: platform))
                }
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/metadata").sorted()
            #expect(files == ["linux-amd64.json", "linux-arm64.json", "linux-armv7.json", "linux-riscv64.json"])
            #expect(try await PushByDigestTests.tags(registry, repository) == [], "the builds left a tag")
            // merge: index create --from-metadata, then verify --require.
            for line in Self.scriptLines(workflow, "merge") {
                let out = try await run(line)
                #expect(out.contains("created \(registry)/\(repository):1.0.0"), "\(out)")
            }
            #expect(try await PushByDigestTests.tags(registry, repository) == ["1.0.0"])
            let inspect = await CLIRun.run("inspect", "\(registry)/\(repository):1.0.0", "--format", "json")
            let report = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any]
            #expect((report?["platforms"] as? [[String: Any]])?.compactMap { $0["platform"] as? String } == platforms)
            // Each platform keeps the provenance its build attached (the by-digest push was its one-platform index).
            for entry in report?["platforms"] as? [[String: Any]] ?? [] {
                #expect((entry["attestations"] as? [[String: Any]])?.count == 1, "\(entry)")
            }
            #expect((report?["annotations"] as? [String: String])?[AnnotationKey.revision] == "0123abc")
            // test: every platform run, one JUnit test case each, none failed.
            for line in Self.scriptLines(workflow, "test") { _ = try await run(line) }
            let junit = try String(contentsOfFile: "\(dir)/xarch-test.xml", encoding: .utf8)
            #expect(junit.components(separatedBy: "<testcase ").count - 1 == platforms.count, "\(junit)")
            #expect(!junit.contains("<failure") && !junit.contains("<skipped"), "\(junit)")
        }
    }
}
