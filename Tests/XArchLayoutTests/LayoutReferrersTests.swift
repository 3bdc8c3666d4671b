import Foundation
import Testing
import XArchContent
@testable import XArchLayout
import XArchModel
import XArchTestSupport

/// Referrers in a layout: stored as blobs, recorded as untagged `index.json` entries, found by subject.
@Suite("OCI layout: referrers")
struct LayoutReferrersTests {
    /// A new layout in a temporary directory holding one image tagged `v1`.
    static func withImage(seed: UInt8, _ body: (String, OCILayout, Descriptor) async throws -> Void) async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-referrers") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let (image, imageBytes) = try await Fixture.image(in: layout, seed: seed)
            try await layout.putManifest(image, bytes: imageBytes, tag: "v1")
            try await body(dir, layout, image)
        }
    }

    @Test func recordedReferrersAreListedByTheirSubjectAndKeepOtherEntries() async throws {
        try await Self.withImage(seed: 1) { dir, layout, image in
            let first = try await TestImages.referrer("first", of: image, in: layout, record: false)
            #expect(try await layout.referrers(of: image.digest).isEmpty, "stored, not yet recorded")
            try await layout.addReferrers([first.referrerDescriptor], to: image.digest)
            let second = try await TestImages.referrer("second", of: image, in: layout, record: false)
            try await layout.addReferrers([second.referrerDescriptor, first.referrerDescriptor], to: image.digest)

            let listed = try await layout.referrers(of: image.digest)
            #expect(listed.map(\.digest) == [first.digest, second.digest])
            #expect(listed.first?.artifactType == "application/vnd.example.note")
            #expect(listed.first?.annotations == ["note": "first"])
            let index = try layout.index()
            #expect(index.manifests.count == 3, "the tagged image and two untagged referrers: \(index.manifests)")
            #expect(try await layout.tags() == ["v1"])
            try await verifyLayout("\(dir)/l")
        }
    }

    @Test func theFallbackTagIndexIsReadToo() async throws {
        try await Self.withImage(seed: 2) { _, layout, image in
            let note = try await TestImages.referrer("tagged", of: image, in: layout, record: false)
            let list = try CanonicalJSON.encode(ImageIndex(manifests: [note.referrerDescriptor]))
            try await layout.putManifest(Descriptor(mediaType: .ociIndex, bytes: list), bytes: list, tag: image.digest.referrersTag)
            #expect(try await layout.referrers(of: image.digest).map(\.digest) == [note.digest])
        }
    }

    @Test func aReferrerWhoseManifestIsMissingIsRefused() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-referrers") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let (image, _) = try await Fixture.image(in: layout, seed: 3)
            let absent = Descriptor(mediaType: .ociManifest, bytes: Array("{}".utf8))
            let error = await #expect(throws: XArchError.self) { try await layout.addReferrers([absent], to: image.digest) }
            #expect(error?.code == .notFound)
            #expect(try layout.index().manifests.isEmpty)
        }
    }

    @Test(arguments: [
        ([] as [String], ["a", "b"], ["a", "b"]),
        (["a", "b"], ["b", "c"], ["a", "b", "c"]),
        (["a"], ["a"], ["a"]),
    ])
    func referrersListsMergeByDigestKeepingEveryEntry(existing: [String], added: [String], merged: [String]) {
        let d = { (s: String) in Descriptor(mediaType: .ociManifest, bytes: Array(s.utf8)) }
        #expect(ReferrersList.merge(existing.map(d), adding: added.map(d)) == merged.map(d))
    }
}
