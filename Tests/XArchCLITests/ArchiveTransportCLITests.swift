import Foundation
import Testing
import XArchCLI
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
}
