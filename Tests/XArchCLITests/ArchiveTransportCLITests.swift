import Foundation
import Testing
import XArchCLI
import XArchModel
import XArchTestSupport

/// `xarch copy`, `inspect`, `verify` and `resolve` take `oci-archive:` and `docker-archive:` like any
/// other location.
@Suite("archive transports on the command line")
struct ArchiveTransportCLITests {
    static let layout = "\(Integration.fixturesRoot)/layouts/buildah-busybox"

    @Test(.requiresFixture("layouts/buildah-busybox/index.json"))
    func copyInspectVerifyAndResolveTakeArchives() async throws {
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            let oci = "oci-archive:\(dir)/multi.tar:multi"
            let copied = await CLIRun.run("copy", "oci:\(Self.layout):multi", oci, "--format", "json")
            #expect(copied.code == 0, "\(copied.stderr)")
            let inspected = await CLIRun.run("inspect", oci, "--format", "json")
            #expect(inspected.code == 0, "\(inspected.stderr)")
            let original = await CLIRun.run("inspect", "oci:\(Self.layout):multi", "--format", "json")
            let digest = { (text: String) in (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["digest"] as? String }
            #expect(digest(inspected.stdout) != nil && digest(inspected.stdout) == digest(original.stdout))
            let verified = await CLIRun.run("verify", oci, "--require", "linux/amd64,linux/arm64")
            #expect(verified.code == 0, "\(verified.stderr)")

            let docker = "docker-archive:\(dir)/arm64.tar:example.com/busybox:arm64"
            let saved = await CLIRun.run("copy", oci, docker, "--platform", "linux/arm64")
            #expect(saved.code == 0, "\(saved.stderr)")
            #expect(saved.stdout.contains("note: docker-archive:\(dir)/arm64.tar holds one platform: took linux/arm64"), "\(saved.stdout)")
            let resolved = await CLIRun.run("resolve", docker, "--platform", "linux/arm64")
            #expect(resolved.code == 0, "\(resolved.stderr)")
            let verifiedDocker = await CLIRun.run("verify", docker, "--require", "linux/arm64")
            #expect(verifiedDocker.code == 0, "\(verifiedDocker.stderr)")
            let wrong = await CLIRun.run("inspect", "docker-archive:\(dir)/arm64.tar:example.com/busybox:nope")
            #expect(wrong.code != 0 && wrong.stderr.contains("has no image example.com/busybox:nope"), "\(wrong.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["arm64.tar", "multi.tar"])
        }
    }

    @Test func helpNamesTheArchiveTransports() async {
        let r = await CLIRun.run("copy", "--help")
        #expect(r.stdout.contains("oci-archive:PATH") && r.stdout.contains("docker-archive:PATH"))
    }

    @Test func anIndexCannotGoIntoADockerArchive() async throws {
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            _ = try await TestImages.demo(at: "\(dir)/src")
            let r = await CLIRun.run("index", "create", "-t", "docker-archive:\(dir)/x.tar:example.com/x:1", "oci:\(dir)/src:demo")
            #expect(r.code != 0 && r.stderr.contains("holds one image, not an index"), "\(r.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["src"])
        }
    }

    /// `xarch build --output` writes archives too: an oci-archive holds the index (attestations included),
    /// a docker-archive one platform's image; skopeo reads both. A docker-archive for several platforms is
    /// refused before anything is built, and leaves no file.
    @Test(.requiresTools("skopeo")) func buildWritesArchives() async throws {
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            let hello = BuildCommandTests.hello
            let oci = await CLIRun.run("build", "--platform", "linux/amd64,linux/arm64", "--provenance", hello,
                                       "--output", "oci-archive:\(dir)/hello.tar:v1", "--format", "json")
            #expect(oci.code == 0, "\(oci.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(oci.stdout.utf8)) as? [String: Any])
            let raw = try await Peer.run("skopeo", ["inspect", "--raw", "oci-archive:\(dir)/hello.tar:v1"])
            #expect(Digest.of(Array(raw.utf8)).description == report["digest"] as? String)
            #expect(raw.components(separatedBy: "attestation-manifest").count == 3, "\(raw)")
            let metadata = report["metadata"] as? [String: Any]
            #expect(metadata?["reference"] as? String == "oci-archive:\(dir)/hello.tar:v1")

            let docker = await CLIRun.run("build", hello, "--platform", "linux/arm64", "--output",
                                          "docker-archive:\(dir)/arm64.tar:example.com/hello:arm64", "--format", "json")
            #expect(docker.code == 0, "\(docker.stderr)")
            let built = try #require(try JSONSerialization.jsonObject(with: Data(docker.stdout.utf8)) as? [String: Any])
            let image = try #require((built["images"] as? [[String: Any]])?.first)
            let inspected = try await Peer.run("skopeo", ["inspect", "docker-archive:\(dir)/arm64.tar"])
            #expect(inspected.contains("\"Architecture\": \"arm64\""), "\(inspected)")
            // The same image as the oci-archive's arm64 entry: skopeo reads the same config bytes from both.
            let dockerConfig = try await Peer.run("skopeo", ["inspect", "--raw", "--config", "docker-archive:\(dir)/arm64.tar"])
            let ociConfig = try await Peer.run("skopeo", ["inspect", "--override-arch", "arm64", "--raw", "--config", "oci-archive:\(dir)/hello.tar:v1"])
            #expect(!dockerConfig.isEmpty && dockerConfig == ociConfig)
            #expect(image["platform"] as? String == "linux/arm64")
            // and xarch reads it back
            let back = await CLIRun.run("verify", "docker-archive:\(dir)/arm64.tar:example.com/hello:arm64", "--require", "linux/arm64")
            #expect(back.code == 0, "\(back.stderr)")

            let refused = await CLIRun.run("build", hello, "--platform", "linux/amd64,linux/arm64",
                                           "--output", "docker-archive:\(dir)/two.tar:example.com/hello:two")
            #expect(refused.code == 1)
            #expect(refused.stderr.contains("holds one platform's image") && refused.stderr.contains("oci-archive:\(dir)/two.tar:TAG"), "\(refused.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["arm64.tar", "hello.tar"])
        }
    }
}
