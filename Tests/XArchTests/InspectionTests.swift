import Foundation
import Testing
import XArch
import XArchLayout
import XArchTestSupport
import XArchModel

@Suite("inspect on OCI layouts")
struct InspectionTests {
    @Test func indexListsPlatformsWithAttestationsApart() async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        let demo = try await TestImages.demo(at: dir)
        let (report, root) = try await Inspection.inspect(try ImageLocation(parsing: "oci:\(dir):demo"), session: TestSession.shared)
        #expect(report.kind == "index")
        #expect(report.digest == demo.index.digest.description)
        #expect(root.digest == demo.index.digest)
        #expect(report.platforms?.map(\.platform) == ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386"])
        #expect(report.platforms?.map(\.attestations.count) == [1, 1, 0, 0])
        #expect(report.orphanAttestations?.isEmpty == true)
        #expect(!(report.platforms ?? []).contains { $0.platform.contains("unknown") })
    }

    @Test func imageShowsConfigPlatformLayersAndSize() async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        let store = try OCILayout.create(at: dir)
        let image = try await TestImages.image(try Platform(parsing: "linux/arm/v7"), in: store)
        try store.addToIndex(Descriptor(mediaType: image.mediaType, digest: image.digest, size: image.size), tag: "v7")
        let (report, _) = try await Inspection.inspect(try ImageLocation(parsing: "oci:\(dir):v7"), session: TestSession.shared)
        #expect(report.kind == "image")
        #expect(report.image?.platform == "linux/arm/v7")
        #expect(report.image?.layers == 1)
        #expect((report.image?.totalSize ?? 0) > 0)
    }

    @Test func untaggedLayoutWithOneEntryNeedsNoTagAndUnknownTagListsTags() async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        _ = try await TestImages.demo(at: dir)
        let (report, _) = try await Inspection.inspect(try ImageLocation(parsing: "oci:\(dir)"), session: TestSession.shared)
        #expect(report.kind == "index")
        await #expect {
            try await Inspection.inspect(try ImageLocation(parsing: "oci:\(dir):nope"), session: TestSession.shared)
        } throws: { error in
            (error as? XArchError)?.code == .notFound && "\(error)".contains("demo")
        }
    }

    @Test func corruptedChildIsDetected() async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        let demo = try await TestImages.demo(at: dir)
        let blob = "\(dir)/blobs/sha256/\(demo.children[1].digest.encoded)"
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: blob)))
        bytes[bytes.count / 2] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: blob))
        let report = try await Resolution.resolve(try ImageLocation(parsing: "oci:\(dir):demo"),
                                                  platform: try Platform(parsing: "linux/amd64"), strict: false, session: TestSession.shared)
        #expect(report.selected != nil, "the corrupted arm64 child is not read for an amd64 host")
        await #expect(throws: XArchError.self) {
            _ = try await StoreResolver(session: TestSession.shared).open(try ImageLocation(parsing: "oci:\(dir):demo")).child(demo.children[1])
        }
    }
}
