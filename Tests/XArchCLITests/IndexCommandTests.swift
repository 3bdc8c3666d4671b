import Foundation
import Testing
import XArchCLI
import XArchModel
import XArchTestSupport

/// `xarch index …` on OCI layouts, in-process.
@Suite("index commands")
struct IndexCommandTests {
    /// The demo layout (4 platforms, 2 attestations) with each child also tagged `1.2-<arch><variant>`.
    static func withPerArchLayout(_ body: (String, [Descriptor]) async throws -> Void) async throws {
        let dir = try TestImages.temporaryDirectory("xarch-index-cli")
        defer { TestImages.cleanup(dir) }
        let demo = try await TestImages.demo(at: "\(dir)/app")
        for child in demo.children {
            let platform = try #require(child.platform)
            let r = await CLIRun.run("copy", "oci:\(dir)/app@\(child.digest)", "oci:\(dir)/app:1.2-\(platform.architecture)\(platform.variant)")
            #expect(r.code == 0, "\(r.stderr)")
        }
        try await body("\(dir)/app", demo.children)
    }

    @Test(arguments: [["index", "--help"], ["index", "create", "--help"], ["index", "add", "--help"],
                      ["index", "remove", "--help"], ["index", "annotate", "--help"]])
    func helpExitsZero(arguments: [String]) async {
        let r = await CLIRun.run(arguments)
        #expect(r.code == 0 && r.stdout.contains("USAGE: xarch index"))
    }

    @Test func createHelpNamesTheFlags() async {
        let r = await CLIRun.run("index", "create", "--help")
        for flag in ["--tag", "--platform", "--template", "--media-type", "--allow-duplicates", "--drop-attestations",
                     "--dry-run", "--annotation", "--created", "--source", "--revision", "--image-version", "--format",
                     "--from-metadata"] {
            #expect(r.stdout.contains(flag), "help lacks \(flag)")
        }
    }

    @Test(arguments: [["index", "create", "-t", "oci:/tmp/x:1"], ["index", "create", "oci:/tmp/x:a"],
                      ["index", "create", "-t", "oci:/tmp/x:1", "--template", "app:{arch}"],
                      ["index", "create", "-t", "oci:/tmp/x:1", "--media-type", "v2s2", "oci:/tmp/x:a"],
                      ["index", "create", "-t", "oci:/tmp/x:1", "--created", "yesterday", "oci:/tmp/x:a"],
                      ["index", "remove", "oci:/tmp/x:1"], ["index", "add", "oci:/tmp/x:1"],
                      ["index", "annotate", "oci:/tmp/x:1", "--descriptor", "a=b"]])
    func usageErrorsExitTwo(arguments: [String]) async {
        let r = await CLIRun.run(arguments)
        #expect(r.code == 2, "\(arguments): \(r.stderr)")
    }

    @Test func createPrintsTheIndexAndItsSources() async throws {
        try await Self.withPerArchLayout { app, children in
            let r = await CLIRun.run("index", "create", "-t", "oci:\(app):1.2", "oci:\(app):1.2-amd64", "oci:\(app):1.2-arm64",
                                     "--revision", "abc123", "--created", "2024-05-01T12:00:00Z")
            #expect(r.code == 0, "\(r.stderr)")
            #expect(r.stdout.hasPrefix("created oci:\(app):1.2\n"))
            #expect(r.stdout.contains("linux/amd64 (from config)") && r.stdout.contains("oci:\(app):1.2-arm64"))
            let json = await CLIRun.run("inspect", "--format", "json", "oci:\(app):1.2")
            let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let platforms = (report?["platforms"] as? [[String: Any]])?.compactMap { $0["digest"] as? String }
            #expect(platforms == [children[0].digest.description, children[1].digest.description])
            let annotations = report?["annotations"] as? [String: String]
            #expect(annotations == [AnnotationKey.revision: "abc123", AnnotationKey.created: "2024-05-01T12:00:00Z"])
        }
    }

    @Test func aDryRunPrintsTheExactIndexAndWritesNothing() async throws {
        try await Self.withPerArchLayout { app, _ in
            let r = await CLIRun.run("index", "create", "--dry-run", "-t", "oci:\(app):dry", "oci:\(app):demo",
                                     "--platform", "linux/arm/v7,linux/386")
            #expect(r.code == 0, "\(r.stderr)")
            let bytes = Array(r.stdout.dropLast().utf8)
            let document = try ManifestDocument(bytes: bytes, declaredType: nil)
            #expect(document.index?.manifests.map { $0.platform?.formatted } == ["linux/arm/v7", "linux/386"])
            #expect(r.stderr.contains("would name \(document.digest)") && r.stderr.contains("nothing was written"))
            let inspect = await CLIRun.run("inspect", "oci:\(app):dry")
            #expect(inspect.code == 1)
        }
    }

    @Test func aDuplicateIsOneSentenceAndAMissingPlatformExitsThree() async throws {
        try await Self.withPerArchLayout { app, _ in
            let dup = await CLIRun.run("index", "create", "-t", "oci:\(app):x", "oci:\(app):demo", "oci:\(app):1.2-amd64",
                                       "oci:\(app):1.2-arm64", "--format", "json")
            // The demo index holds these very images: repeats, not duplicates.
            #expect(dup.code == 0, "\(dup.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(dup.stdout.utf8)) as? [String: Any]
            #expect(report?["repeats"] as? Int == 2)
            let missing = await CLIRun.run("index", "remove", "oci:\(app):x", "--platform", "linux/s390x")
            #expect(missing.code == 3 && missing.stderr.hasPrefix("xarch: ") && missing.stderr.contains("linux/arm/v7"))
            let removed = await CLIRun.run("index", "remove", "oci:\(app):x", "--platform", "linux/386")
            #expect(removed.code == 0 && removed.stdout.contains("was:") && removed.stdout.contains("removed:   linux/386"))
            let annotated = await CLIRun.run("index", "annotate", "oci:\(app):x", "--index", "com.example.k=v",
                                             "--platform", "linux/amd64", "--os-version", "10.0")
            #expect(annotated.code == 0, "\(annotated.stderr)")
            let again = await CLIRun.run("index", "annotate", "oci:\(app):x", "--index", "com.example.k=v")
            #expect(again.code == 0 && again.stdout.contains("unchanged"))
        }
    }
}
