import Foundation
import Testing
import XArchContent
@testable import XArchLayout
import XArchModel
import XArchTestSupport

@Suite("OCI layout: manifests, tags, index.json")
struct LayoutIndexTests {
    /// Stores two images and an index over them tagged `multi`, and the first image tagged `amd`.
    func populated(_ dir: String) async throws -> (OCILayout, index: Descriptor, indexBytes: [UInt8], amd: [UInt8]) {
        let layout = try OCILayout.create(at: "\(dir)/l")
        var (amd, amdBytes) = try await Fixture.image(in: layout, seed: 1)
        var (arm, armBytes) = try await Fixture.image(in: layout, seed: 2, architecture: "arm64")
        try await layout.putManifest(amd, bytes: amdBytes, tag: nil)
        try await layout.putManifest(arm, bytes: armBytes, tag: nil)
        amd.platform = Platform(os: "linux", architecture: "amd64")
        arm.platform = Platform(os: "linux", architecture: "arm64")
        let indexBytes = try CanonicalJSON.encode(ImageIndex(manifests: [amd, arm]))
        let index = Descriptor(mediaType: .ociIndex, bytes: indexBytes)
        try await layout.putManifest(index, bytes: indexBytes, tag: "multi")
        try await layout.putManifest(amd, bytes: amdBytes, tag: "amd")
        return (layout, index, indexBytes, amdBytes)
    }

    @Test func manifestsRoundTripByteIdentical() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let (layout, index, indexBytes, amdBytes) = try await populated(dir)
            let byTag = try await layout.manifest(.tag("multi"))
            #expect(byTag.bytes == indexBytes)
            #expect(byTag.descriptor.digest == index.digest)
            #expect(byTag.index?.manifests.count == 2)
            let child = byTag.index!.manifests[0]
            #expect(try await layout.manifest(.digest(child.digest)).bytes == amdBytes)
            #expect(try await layout.manifest(.tag("amd")).bytes == amdBytes)
            #expect(try await layout.tags() == ["amd", "multi"])
            let entries = try layout.index().manifests
            #expect(entries.count == 2)
            #expect(entries[1].platform == Platform(os: "linux", architecture: "amd64"))
            #expect(try await layout.manifestDescriptor(.tag("multi"))?.digest == index.digest)
            #expect(try await layout.manifestDescriptor(.tag("nope")) == nil)
            #expect(try await layout.manifestDescriptor(.digest(child.digest)) != nil)
            let armDigest = byTag.index!.manifests[1].digest
            #expect(try await layout.manifestDescriptor(.digest(armDigest))?.mediaType == .ociManifest)
            #expect(try await layout.manifestDescriptor(.digest(.of([9]))) == nil)
            try await verifyLayout(layout.path)
        }
    }

    @Test func untaggedPutStoresTheBlobOnly() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let (descriptor, bytes) = try await Fixture.image(in: layout, seed: 3)
            try await layout.putManifest(descriptor, bytes: bytes, tag: nil)
            #expect(try layout.index().manifests.isEmpty)
            #expect(try await layout.manifest(.digest(descriptor.digest)).bytes == bytes)
            try layout.addToIndex(descriptor, tag: nil)
            try layout.addToIndex(descriptor, tag: nil)
            #expect(try layout.index().manifests == [descriptor])
            #expect(try await layout.defaultManifest().bytes == bytes)
            // Tagging it drops the untagged entry that the tagged one now roots.
            try layout.addToIndex(descriptor, tag: "t")
            #expect(try layout.index().manifests.count == 1)
        }
    }

    @Test func missingTagListsTheTagsThatExist() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let (layout, _, _, _) = try await populated(dir)
            let error = await #expect(throws: XArchError.self) { _ = try await layout.manifest(.tag("latest")) }
            #expect(error?.code == .notFound)
            #expect(error?.message == "tag \"latest\" is not in layout \(layout.path); its tags are: amd, multi")
            let empty = try OCILayout.create(at: "\(dir)/empty")
            let none = await #expect(throws: XArchError.self) { _ = try await empty.manifest(.tag("latest")) }
            #expect(none?.message.hasSuffix("it has no tags") == true)
        }
    }

    @Test func retaggingMovesTheTag() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let (layout, _, _, amdBytes) = try await populated(dir)
            let amd = try await layout.manifest(.tag("amd")).descriptor
            try layout.addToIndex(amd, tag: "multi")
            #expect(try await layout.manifest(.tag("multi")).bytes == amdBytes)
            #expect(try layout.index().manifests.count == 2)
        }
    }

    @Test func defaultManifestNeedsExactlyOneEntry() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let empty = try OCILayout.create(at: "\(dir)/empty")
            let none = await #expect(throws: XArchError.self) { _ = try await empty.defaultManifest() }
            #expect(none?.message == "layout \(empty.path) is empty: its index.json lists no manifest")
            let (layout, _, _, _) = try await populated(dir)
            let several = await #expect(throws: XArchError.self) { _ = try await layout.defaultManifest() }
            #expect(several?.message.contains("tags amd, multi") == true)
            #expect(several?.message.contains("oci:\(layout.path):TAG") == true)
            try await layout.deleteManifest(.tag("amd"))
            #expect(try await layout.defaultManifest().index != nil)
        }
    }

    @Test func deleteManifestByTagAndDigestKeepsBlobs() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let (layout, index, _, _) = try await populated(dir)
            try await layout.deleteManifest(.digest(index.digest))
            #expect(try await layout.tags() == ["amd"])
            #expect(try await layout.hasBlob(index.digest))
            try await layout.deleteManifest(.tag("amd"))
            #expect(try await layout.tags() == [])
            let error = await #expect(throws: XArchError.self) { try await layout.deleteManifest(.tag("amd")) }
            #expect(error?.code == .notFound)
        }
    }

    @Test func unknownFieldsOfIndexJSONSurviveATagUpdate() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let (layout, _, _, _) = try await populated(dir)
            let original = try String(contentsOfFile: "\(layout.path)/index.json", encoding: .utf8)
            let edited = original
                .replacingOccurrences(of: #""schemaVersion":2"#, with: #""schemaVersion":2,"x-tool":{"kept":[1,true]}"#)
                .replacingOccurrences(of: #""size":"#, with: #""x-entry":"also kept","size":"#)
            try edited.write(toFile: "\(layout.path)/index.json", atomically: false, encoding: .utf8)
            let amd = try await layout.manifest(.tag("amd")).descriptor
            try layout.addToIndex(amd, tag: "again")
            let index = try layout.index()
            #expect(index.unknownFields["x-tool"] == .object(["kept": .array([.integer(1), .bool(true)])]))
            #expect(index.manifests.count == 3)
            #expect(index.manifests.prefix(2).allSatisfy { $0.unknownFields["x-entry"] == .string("also kept") })
        }
    }

    @Test func putManifestRejectsBytesThatDoNotMatch() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let (descriptor, bytes) = try await Fixture.image(in: layout, seed: 4)
            let error = await #expect(throws: XArchError.self) {
                try await layout.putManifest(descriptor, bytes: bytes + [0x20], tag: "x")
            }
            #expect(error?.code == .digestMismatch)
            #expect(try await !layout.hasBlob(descriptor.digest))
            #expect(try await layout.tags() == [])
            await #expect(throws: XArchError.self) { try await layout.putManifest(descriptor, bytes: bytes, tag: "bad tag") }
        }
    }

    @Test func putManifestRefusesMissingChildren() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let absent = Descriptor(mediaType: .ociManifest, bytes: Array("not stored".utf8))
            let indexBytes = try CanonicalJSON.encode(ImageIndex(manifests: [absent]))
            let index = Descriptor(mediaType: .ociIndex, bytes: indexBytes)
            let error = await #expect(throws: XArchError.self) { try await layout.putManifest(index, bytes: indexBytes, tag: "x") }
            #expect(error?.code == .notFound)
            #expect(error?.message.contains("its manifest \(absent.digest)") == true)
            #expect(try await !layout.hasBlob(index.digest))
            #expect(try await layout.tags() == [])
        }
    }

    @Test func manifestWhoseBlobIsCorruptIsRefused() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let (layout, index, indexBytes, _) = try await populated(dir)
            var damaged = indexBytes
            damaged[damaged.count - 3] = UInt8(ascii: " ")
            try Data(damaged).write(to: URL(fileURLWithPath: layout.blobPath(index.digest)))
            let byTag = await #expect(throws: XArchError.self) { _ = try await layout.manifest(.tag("multi")) }
            #expect(byTag?.code == .digestMismatch)
            try await layout.deleteManifest(.tag("multi"))
            let byDigest = await #expect(throws: XArchError.self) { _ = try await layout.manifest(.digest(index.digest)) }
            #expect(byDigest?.code == .digestMismatch)
        }
    }

    @Test func writersInOneProcessLoseNoTag() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for seed in 1...24 {
                    group.addTask {
                        let (descriptor, bytes) = try await Fixture.image(in: layout, seed: UInt8(seed))
                        try await layout.putManifest(descriptor, bytes: bytes, tag: "t\(seed)")
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await layout.tags() == (1...24).map { "t\($0)" }.sorted())
            #expect(temporaryFiles(layout.path).isEmpty)
        }
    }
}
