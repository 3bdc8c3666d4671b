import Foundation
import Testing
import XArchCLI
import XArchModel
import XArchTestSupport

/// `xarch build --push-by-digest REPO --metadata-file F` and `xarch index create --from-metadata F`: per-platform
/// builds pushed without a tag to the real registry of `scripts/test`, merged into one index.
@Suite("push by digest")
struct PushByDigestTests {
    static let hello = BuildCommandTests.hello

    /// The metadata file at `path`, as JSON.
    static func metadata(_ path: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        return try #require(object as? [String: Any])
    }

    /// The tags the registry lists for `repository` (`GET /v2/<name>/tags/list`, distribution-spec
    /// "Listing Tags"), asked with curl: empty for a repository it does not know (404 NAME_UNKNOWN) or
    /// that has no tags (`"tags": null` or `[]`).
    static func tags(_ registry: String, _ repository: String) async throws -> [String] {
        let out = try await Peer.run("curl", ["-s", "-w", "\n%{http_code}", "http://\(registry)/v2/\(repository)/tags/list"])
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        let status = lines.last.map(String.init) ?? ""
        let body = lines.dropLast().joined(separator: "\n")
        if status == "404" {
            #expect(body.contains("NAME_UNKNOWN"), "\(body)")
            return []
        }
        #expect(status == "200", "\(out)")
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return object?["tags"] as? [String] ?? []
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"), .requiresTools("skopeo", "curl"))
    func twoPlatformsPushedByDigestLeaveNoTagAndMergeFromTheirMetadata() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repository = "xarch-tests/by-digest-\(UUID().uuidString.prefix(8).lowercased())"
        let repo = "\(registry)/\(repository)"
        try await TestImages.withTemporaryDirectory("push-by-digest") { dir in
            var digests: [String] = []
            for (platform, file) in [("linux/arm64", "arm64"), ("linux/s390x", "s390x")] {
                // Options after the argument and before it, as users type them.
                let r = await CLIRun.run("build", "--platform", platform, Self.hello, "--push-by-digest", repo,
                                         "--metadata-file", "\(dir)/\(file).json")
                #expect(r.code == 0, "\(r.stderr)")
                let metadata = try Self.metadata("\(dir)/\(file).json")
                let digest = try #require(metadata["digest"] as? String)
                // One platform: the image manifest itself, no index around it.
                #expect(metadata["mediaType"] as? String == MediaType.ociManifest.rawValue)
                #expect(metadata["platforms"] as? [String] == [platform])
                #expect(metadata["reference"] as? String == "\(repo)@\(digest)")
                #expect(r.stdout.contains("pushed by digest (image \(platform), no tag): \(repo)@\(digest)"), "\(r.stdout)")
                // skopeo reads it by digest: the bytes hash to the digest and their size is the metadata's.
                let raw = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(repo)@\(digest)"])
                #expect(Digest.of(Array(raw.utf8)).description == digest)
                #expect(metadata["size"] as? Int == raw.utf8.count)
                let config = try await Peer.run("skopeo", ["inspect", "--config", "--tls-verify=false", "docker://\(repo)@\(digest)"])
                #expect(config.contains("\"architecture\": \"\(platform.split(separator: "/")[1])\""), "\(config)")
                digests.append(digest)
                #expect(try !FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.contains(".tmp-") })
            }
            #expect(try await Self.tags(registry, repository) == [], "a push by digest left a tag")

            let merged = await CLIRun.run("index", "create", "-t", "\(repo):1.0", "--from-metadata", "\(dir)/arm64.json",
                                          "--from-metadata", "\(dir)/s390x.json", "--format", "json")
            #expect(merged.code == 0, "\(merged.stderr)")
            let inspect = await CLIRun.run("inspect", "\(repo):1.0", "--format", "json")
            let report = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any]
            let entries = report?["platforms"] as? [[String: Any]] ?? []
            #expect(entries.compactMap { $0["digest"] as? String } == digests, "\(inspect.stdout)\(inspect.stderr)")
            #expect(entries.compactMap { $0["platform"] as? String } == ["linux/arm64", "linux/s390x"])
            #expect(try await Self.tags(registry, repository) == ["1.0"])

            // A metadata file whose platform is not the image's (an artifact mixed up) stops the merge.
            let arm64 = try String(contentsOfFile: "\(dir)/arm64.json", encoding: .utf8)
            try Data(arm64.replacingOccurrences(of: "linux/arm64", with: "linux/s390x").utf8)
                .write(to: URL(fileURLWithPath: "\(dir)/mixed.json"))
            let mixed = await CLIRun.run("index", "create", "-t", "\(repo):mixed", "--from-metadata", "\(dir)/mixed.json")
            #expect(mixed.code == 3, "\(mixed.stderr)")
            #expect(mixed.stderr.contains("was named for linux/s390x by its metadata file \(dir)/mixed.json but is an image for linux/arm64"),
                    "\(mixed.stderr)")

            // Plain REPO@DIGEST sources give the same index (same children, same order).
            let plain = await CLIRun.run("index", "create", "-t", "\(repo):1.0-plain", "\(repo)@\(digests[0])", "\(repo)@\(digests[1])")
            #expect(plain.code == 0, "\(plain.stderr)")
            let a = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(repo):1.0"])
            let b = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(repo):1.0-plain"])
            #expect(a == b)
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"), .requiresTools("curl"))
    func severalPlatformsPushTheIndexByDigest() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repository = "xarch-tests/by-digest-\(UUID().uuidString.prefix(8).lowercased())"
        try await TestImages.withTemporaryDirectory("push-by-digest") { dir in
            let r = await CLIRun.run("build", Self.hello, "--platform", "linux/amd64,linux/riscv64", "--push-by-digest",
                                     "\(registry)/\(repository)", "--metadata-file", "\(dir)/m.json", "--format", "json")
            #expect(r.code == 0, "\(r.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let metadata = try Self.metadata("\(dir)/m.json")
            // The index, which is also what the report calls the build's digest; the JSON report carries the same metadata.
            #expect(metadata["mediaType"] as? String == MediaType.ociIndex.rawValue)
            #expect(metadata["digest"] as? String == report["digest"] as? String)
            #expect(metadata["platforms"] as? [String] == ["linux/amd64", "linux/riscv64"])
            #expect((report["metadata"] as? [String: Any])?["reference"] as? String == metadata["reference"] as? String)
            #expect(try await Self.tags(registry, repository) == [])
            // An index source is flattened by index create.
            let merged = await CLIRun.run("index", "create", "-t", "\(registry)/\(repository):v1", "--from-metadata", "\(dir)/m.json")
            #expect(merged.code == 0, "\(merged.stderr)")
            #expect(merged.stdout.contains("linux/riscv64"), "\(merged.stdout)")
        }
    }

    @Test func aLayoutBuildWritesMetadataNamingTheLayout() async throws {
        try await TestImages.withTemporaryDirectory("metadata-layout") { dir in
            let r = await CLIRun.run("build", Self.hello, "--platform", "linux/arm64", "--output", "oci:\(dir)/out:v1",
                                     "--metadata-file", "\(dir)/m.json", "--format", "json")
            #expect(r.code == 0, "\(r.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let metadata = try Self.metadata("\(dir)/m.json")
            let digest = try #require(report["digest"] as? String)
            #expect(metadata["digest"] as? String == digest)
            #expect(metadata["reference"] as? String == "oci:\(dir)/out@\(digest)")
            // It merges like a pushed one.
            let merged = await CLIRun.run("index", "create", "-t", "oci:\(dir)/out:merged", "--from-metadata", "\(dir)/m.json")
            #expect(merged.code == 0, "\(merged.stderr)")
        }
    }

    @Test(arguments: [
        (["--push-by-digest", "registry.example/app:1"], "without a tag"),
        (["--push-by-digest", "registry.example/app@sha256:" + String(repeating: "a", count: 64)], "without a tag"),
        (["--push-by-digest", "registry.example/app", "-t", "registry.example/app:1"], "leave out -t"),
        (["--push-by-digest", "oci:/tmp/x"], "registry repository"),
        (["--output", "oci:/tmp/x", "--metadata-file", "/nonexistent-dir/m.json"], "does not exist"),
        (["--output", "oci:/tmp/x", "--builder-id", "https://ci.example/runs/1"], "add --provenance"),
        (["--output", "oci:/tmp/x", "--provenance", "--builder-id", "not a uri"], "give a URI"),
        (["--output", "docker://registry.example/app:1"], "or an archive file"),
    ])
    func badBuildOptionsAreUsageErrors(arguments: [String], message: String) async {
        let r = await CLIRun.run(["build", Self.hello, "--platform", "linux/amd64"] + arguments)
        #expect(r.code == 2, "\(arguments): \(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test(arguments: [
        ("{\"digest\": ", "not well-formed JSON"),
        ("[1, 2]", "should be an object"),
        ("{\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"size\": 1, \"platforms\": [], \"reference\": null}",
         "missing field \"digest\""),
        ("{\"digest\": \"sha256:abc\", \"mediaType\": \"m\", \"size\": 1, \"platforms\": []}", "digest"),
        ("{\"digest\": \"sha256:\(String(repeating: "a", count: 64))\", \"mediaType\": \"m\", \"size\": 1, \"platforms\": [], \"reference\": null}",
         "was not pushed"),
        ("{\"digest\": \"sha256:\(String(repeating: "a", count: 64))\", \"mediaType\": \"m\", \"size\": 1, \"platforms\": [], \"reference\": \"registry.example/app@sha256:\(String(repeating: "b", count: 64))\"}",
         "does not name the digest"),
    ])
    func badMetadataFilesAreOneLineErrors(content: String, message: String) async throws {
        try await TestImages.withTemporaryDirectory("bad-metadata") { dir in
            try Data(content.utf8).write(to: URL(fileURLWithPath: "\(dir)/m.json"))
            let r = await CLIRun.run("index", "create", "-t", "oci:\(dir)/out:v1", "--from-metadata", "\(dir)/m.json")
            #expect(r.code == 1, "\(r.stderr)")
            #expect(r.stderr.hasPrefix("xarch: \(dir)/m.json: "), "\(r.stderr)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/out"), "nothing is written")
        }
    }

    @Test func aMissingMetadataFileIsNamed() async {
        let r = await CLIRun.run("index", "create", "-t", "oci:/tmp/xarch-never/out:v1", "--from-metadata", "/nonexistent/m.json")
        #expect(r.code == 1 && r.stderr.contains("/nonexistent/m.json"), "\(r.stderr)")
    }
}
