import Foundation
import Testing
import XArchLayout
import XArchModel
import XArchTestSupport

/// `xarch copy --referrers` and `xarch inspect --referrers` on layouts, flags before or after the arguments.
@Suite("referrers on the command line")
struct ReferrersCommandTests {
    @Test func copyAndInspectShowTheReferrers() async throws {
        try await TestImages.withTemporaryDirectory { dir in
            let layout = try OCILayout.create(at: "\(dir)/src")
            let image = try await TestImages.image(Platform(os: "linux", architecture: "arm64"), in: layout)
            try layout.addToIndex(Descriptor(mediaType: image.mediaType, digest: image.digest, size: image.size), tag: "v1")
            let note = try await TestImages.referrer("reviewed", of: image, in: layout)

            let copy = await CLIRun.run("copy", "--referrers", "oci:\(dir)/src:v1", "oci:\(dir)/dst:v1", "--format", "json")
            #expect(copy.code == 0, "\(copy.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(copy.stdout.utf8)) as? [String: Any]
            let referrers = report?["referrers"] as? [[String: Any]]
            #expect(referrers?.count == 1)
            #expect(referrers?.first?["digest"] as? String == note.digest.description)
            #expect(referrers?.first?["listed"] as? String == "list")

            let inspect = await CLIRun.run("inspect", "oci:\(dir)/dst:v1", "--referrers")
            #expect(inspect.code == 0, "\(inspect.stderr)")
            let row = inspect.stdout.split(separator: "\n").first { $0.contains(note.digest.description) }
            #expect(row?.contains("└ application/vnd.example.note") == true, "\(inspect.stdout)")
            #expect(inspect.stdout.contains("note=reviewed"), "\(inspect.stdout)")

            let plain = await CLIRun.run("inspect", "oci:\(dir)/dst:v1")
            #expect(!plain.stdout.contains(note.digest.description), "referrers only with --referrers")
        }
    }
}
