import Foundation
import Testing
import XArchModel
import XArchTestSupport

/// `ADD` of archives that extractors cannot unpack, or that expand without bound (issue 18): the build
/// fails naming the archive and the entry, and never writes an image that holds something else.
@Suite struct HostileArchiveTests {
    /// A context whose `bad.tar` is `tar` (with its end blocks), added by `ADD bad.tar /opt/`.
    static func buildFailure(_ tar: TarBuilder) async throws -> XArchError {
        let dir = try BuildFixture.context("FROM scratch\nADD bad.tar /opt/\n")
        defer { TestImages.cleanup(dir) }
        try Data(tar.bytes + [UInt8](repeating: 0, count: 1024)).write(to: URL(fileURLWithPath: "\(dir)/bad.tar"))
        let out = try TestImages.temporaryDirectory("hostile-archive-out")
        defer { TestImages.cleanup(out) }
        do {
            _ = try await BuildLayoutTests.build(dir, platforms: ["linux/amd64"], output: "\(out)/l")
        } catch let error as XArchError {
            #expect(!FileManager.default.fileExists(atPath: "\(out)/l/index.json"), "no image is written")
            return error
        }
        Issue.record("the build of an archive with a bad hard link succeeded")
        return XArchError(.invalidInput, "")
    }

    @Test func aHardLinkToAMissingTargetIsRefused() async throws {
        var tar = TarBuilder()
        tar.file("a", [1])
        tar.hardLink("link", to: "missing")
        let error = try await Self.buildFailure(tar)
        #expect(error.message == "Dockerfile line 2: ADD bad.tar: the archive's hard link link points to missing, which is not a file earlier in the archive; refusing to unpack it (BuildKit refuses it too)")
    }

    @Test func aHardLinkToALaterEntryIsRefused() async throws {
        var tar = TarBuilder()
        tar.hardLink("early", to: "b")
        tar.file("b", [1])
        #expect(try await Self.buildFailure(tar).message.contains("hard link early points to b, which is not a file earlier"))
    }

    @Test(arguments: ["/a", "../../etc/shadow"])
    func aHardLinkToAnAbsoluteOrEscapingNameIsRefused(target: String) async throws {
        var tar = TarBuilder()
        tar.file("a", [1])
        tar.hardLink("link", to: target)
        let message = try await Self.buildFailure(tar).message
        #expect(message == "Dockerfile line 2: ADD bad.tar: the archive's hard link link points to \"\(target)\", an absolute name or one outside the archive; refusing to unpack it (extractors disagree on such links)")
    }

    /// The message names the archive once (it said "X: X has an entry named …").
    @Test func anEntryClimbingOutIsRefusedNamingTheArchiveOnce() async throws {
        var tar = TarBuilder()
        tar.file("../evil", [1])
        let message = try await Self.buildFailure(tar).message
        #expect(message == "Dockerfile line 2: ADD bad.tar: the archive has an entry named \"../evil\", which climbs out of the root; refusing it")
    }

    /// 300 MiB of zeros compress about 1000×: past the ratio cap (200× once 128 MiB came out) the build
    /// fails; before, the bomb was silently copied into the image as the archive file.
    @Test func aGzipBombFailsLoudlyAndIsNeverCopiedAsAFile() async throws {
        let dir = try BuildFixture.context("FROM scratch\nADD bomb.tar.gz /opt/\n")
        defer { TestImages.cleanup(dir) }
        // A sparse 300 MiB file: no disk space taken, tar reads zeros.
        try await Peer.run("sh", ["-c", "cd '\(dir)' && truncate -s 300M zeros && tar -cf - zeros | gzip -1n > bomb.tar.gz && rm zeros"])
        let out = try TestImages.temporaryDirectory("bomb-out")
        defer { TestImages.cleanup(out) }
        await #expect {
            _ = try await BuildLayoutTests.build(dir, platforms: ["linux/amd64"], output: "\(out)/l")
        } throws: { error in
            let message = (error as? XArchError)?.message ?? "\(error)"
            return message.hasPrefix("Dockerfile line 2: ADD bomb.tar.gz: ") && message.contains("decompression bomb")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(out)/l/index.json"))
    }
}
