import Foundation
import Testing
import XArchContent
import XArchLayout
import XArchModel
import XArchTestSupport

/// `xarch layout gc` on the command line: text and JSON, `--dry-run`, usage errors.
@Suite("xarch layout gc")
struct LayoutGCCommandTests {
    /// The demo image plus one unreferenced blob and one killed writer's temporary file.
    static func littered(_ dir: String) async throws -> Descriptor {
        _ = try await TestImages.demo(at: "\(dir)/l")
        let bytes = Array("nobody points at me".utf8)
        let orphan = Descriptor(mediaType: .ociLayer, bytes: bytes)
        try await OCILayout.open(at: "\(dir)/l").putBlob(orphan, from: ByteStream(bytes: bytes))
        try Data(repeating: 1, count: 10).write(to: URL(fileURLWithPath: "\(dir)/l/blobs/sha256/.tmp-dead"))
        return orphan
    }

    @Test func dryRunInJSONThenText() async throws {
        try await TestImages.withTemporaryDirectory("layout-gc-cli") { dir in
            let orphan = try await Self.littered(dir)
            let dry = await CLIRun.run("layout", "gc", "oci:\(dir)/l", "--dry-run", "--grace", "0", "--format", "json")
            #expect(dry.code == 0, "\(dry.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
            #expect(json["dryRun"] as? Bool == true)
            #expect((json["blobs"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == [orphan.digest.description])
            #expect((json["temporaryFiles"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["blobs/sha256/.tmp-dead"])
            #expect(FileManager.default.fileExists(atPath: "\(dir)/l/blobs/sha256/\(orphan.digest.encoded)"))

            let run = await CLIRun.run("layout", "gc", "\(dir)/l", "--grace", "0")
            #expect(run.code == 0, "\(run.stderr)")
            #expect(run.stdout.hasPrefix("removed blob \(orphan.digest) (19 bytes)\nremoved temporary file blobs/sha256/.tmp-dead (10 bytes)\nremoved 1 unreferenced blob and 1 temporary file"))
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/l/blobs/sha256/\(orphan.digest.encoded)"))
            let verify = await CLIRun.run("inspect", "oci:\(dir)/l:demo")
            #expect(verify.code == 0, "the image is whole after gc: \(verify.stderr)")
        }
    }

    @Test(arguments: [["layout", "gc"], ["layout", "gc", "x", "--grace", "-1"], ["layout", "gc", "oci:"]])
    func usageErrorsExitTwo(arguments: [String]) async {
        #expect(await CLIRun.run(arguments).code == 2)
    }

    @Test func aMissingLayoutIsAnError() async {
        let r = await CLIRun.run("layout", "gc", "/nonexistent/layout")
        #expect(r.code == 1 && r.stderr.contains("/nonexistent/layout does not exist"), "\(r.stderr)")
    }
}
