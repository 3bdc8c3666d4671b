import Foundation
import Testing
import XArchContent
@testable import XArchLayout
import XArchModel
import XArchTestSupport

@Suite("OCI layout: create, open, blobs")
struct LayoutStoreTests {
    @Test func createWritesTheSkeletonAndOpenAcceptsIt() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let path = "\(dir)/new/layout"
            let layout = try OCILayout.create(at: path)
            let header = try String(contentsOfFile: "\(path)/oci-layout", encoding: .utf8)
            #expect(header == #"{"imageLayoutVersion":"1.0.0"}"#)
            let index = try String(contentsOfFile: "\(path)/index.json", encoding: .utf8)
            #expect(index == #"{"manifests":[],"mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2}"#)
            #expect(FileManager.default.fileExists(atPath: "\(path)/blobs/sha256"))
            #expect(try await layout.tags() == [])
            _ = try OCILayout.open(at: path + "/")
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/new") == ["layout"])
        }
    }

    @Test func createRefusesANonEmptyDirectoryButFillsAnEmptyOne() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let empty = "\(dir)/empty"
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
            _ = try OCILayout.create(at: empty)
            let error = #expect(throws: XArchError.self) { try OCILayout.create(at: empty) }
            #expect(error?.code == .alreadyExists)
            _ = try OCILayout.openOrCreate(at: empty)
        }
    }

    @Test func openExplainsWhatIsMissing() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let notLayout = #expect(throws: XArchError.self) { try OCILayout.open(at: dir) }
            #expect(notLayout?.message == "\(dir) is not an OCI image layout: it has no oci-layout file")
            let missing = #expect(throws: XArchError.self) { try OCILayout.open(at: dir + "/nope") }
            #expect(missing?.code == .notFound)
            try #"{"imageLayoutVersion":"2.0.0"}"#.write(toFile: "\(dir)/oci-layout", atomically: false, encoding: .utf8)
            let version = #expect(throws: XArchError.self) { try OCILayout.open(at: dir) }
            #expect(version?.code == .unsupported)
            try #"{"imageLayoutVersion":"1.0.0"}"#.write(toFile: "\(dir)/oci-layout", atomically: false, encoding: .utf8)
            let noIndex = #expect(throws: XArchError.self) { try OCILayout.open(at: dir) }
            #expect(noIndex?.message.contains("it has no index.json") == true)
        }
    }

    @Test func blobRoundTripIsByteIdenticalAndChunked() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let bytes = Fixture.bytes(3 * 1024 * 1024 + 17)
            let descriptor = Descriptor(mediaType: .ociLayer, bytes: bytes)
            #expect(try await !layout.hasBlob(descriptor.digest))
            try await layout.putBlob(descriptor, from: ByteStream(bytes: bytes, chunkSize: 100_000))
            #expect(try await layout.hasBlob(descriptor.digest))
            #expect(try await layout.blobSize(descriptor.digest) == descriptor.size)
            var back: [UInt8] = []
            var chunks = 0
            for try await chunk in try await layout.blob(descriptor) {
                #expect(chunk.count <= BlobReader.chunkSize)
                back += chunk
                chunks += 1
            }
            #expect(back == bytes)
            #expect(chunks == 4)
            // Present already: the stream is not read.
            try await layout.putBlob(descriptor, from: Fixture.unreadable)
        }
    }

    @Test func emptyBlobRoundTrips() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let descriptor = Descriptor(mediaType: .ociEmpty, bytes: [])
            try await layout.putBlob(descriptor, from: ByteStream(bytes: []))
            #expect(try await layout.blob(descriptor).collect(limit: 10) == [])
        }
    }

    @Test func corruptedBlobIsDetectedOnRead() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let bytes = Fixture.bytes(5000)
            let descriptor = Descriptor(mediaType: .ociLayer, bytes: bytes)
            try await layout.putBlob(descriptor, from: ByteStream(bytes: bytes))
            var damaged = bytes
            damaged[4000] ^= 0xff
            try Data(damaged).write(to: URL(fileURLWithPath: layout.blobPath(descriptor.digest)))
            let error = await #expect(throws: XArchError.self) { _ = try await layout.blob(descriptor).collect(limit: 1 << 20) }
            #expect(error?.code == .digestMismatch)
            #expect(error?.message.contains("its file is corrupt") == true)

            try Data(bytes + [0]).write(to: URL(fileURLWithPath: layout.blobPath(descriptor.digest)))
            let longer = await #expect(throws: XArchError.self) { _ = try await layout.blob(descriptor).collect(limit: 1 << 20) }
            #expect(longer?.code == .digestMismatch)
            // A file of the wrong size is rewritten by putBlob.
            try await layout.putBlob(descriptor, from: ByteStream(bytes: bytes))
            #expect(try await layout.blob(descriptor).collect(limit: 1 << 20) == bytes)
        }
    }

    @Test func missingBlobIsNotFound() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let descriptor = Descriptor(mediaType: .ociLayer, bytes: [1, 2, 3])
            let error = await #expect(throws: XArchError.self) { _ = try await layout.blob(descriptor) }
            #expect(error?.code == .notFound)
            #expect(error?.message == "blob \(descriptor.digest) is missing from layout \(layout.path)")
            #expect(try await layout.blobSize(descriptor.digest) == nil)
        }
    }

    /// What is sent instead of the 2000 announced bytes.
    enum Wrong: String, CaseIterable, Sendable {
        case otherBytes, tooLong, tooShort
        var bytes: [UInt8] {
            switch self {
            case .otherBytes: return [UInt8](repeating: 7, count: 2000)
            case .tooLong: return Fixture.bytes(2001)
            case .tooShort: return Array(Fixture.bytes(2000).prefix(1999))
            }
        }
    }

    @Test(arguments: Wrong.allCases)
    func digestMismatchOnPutLeavesNothing(_ wrong: Wrong) async throws {
        let sent = wrong.bytes
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let descriptor = Descriptor(mediaType: .ociLayer, bytes: Fixture.bytes(2000))
            let error = await #expect(throws: XArchError.self, "\(wrong)") {
                try await layout.putBlob(descriptor, from: ByteStream(bytes: sent, chunkSize: 300))
            }
            #expect(error?.code == .digestMismatch)
            #expect(error?.message.contains(descriptor.digest.description) == true)
            if wrong == .otherBytes { #expect(error?.message.contains(Digest.of(sent).description) == true) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(layout.path)/blobs/sha256") == [])
        }
    }

    @Test func removeTemporaryFilesRemovesOnlyTemporaryFiles() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let (descriptor, bytes) = try await Fixture.image(in: layout, seed: 1)
            try await layout.putManifest(descriptor, bytes: bytes, tag: "v1")
            for file in ["\(layout.path)/.tmp-abc", "\(layout.path)/blobs/sha256/.tmp-def"] {
                #expect(FileManager.default.createFile(atPath: file, contents: Data([1, 2])))
            }
            #expect(temporaryFiles(layout.path).count == 2)
            #expect(try layout.removeTemporaryFiles(olderThan: 3600) == 0)
            #expect(try layout.removeTemporaryFiles() == 2)
            #expect(temporaryFiles(layout.path).isEmpty)
            #expect(try await verifyLayout(layout.path).blobs == 3)
        }
    }

    @Test func blobsOfAnotherAlgorithmGetTheirDirectory() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let bytes = Fixture.bytes(100)
            let digest = Digest.of(bytes, algorithm: .sha512)
            let descriptor = Descriptor(mediaType: .ociLayer, digest: digest, size: 100)
            try await layout.putBlob(descriptor, from: ByteStream(bytes: bytes))
            #expect(FileManager.default.fileExists(atPath: "\(layout.path)/blobs/sha512/\(digest.encoded)"))
            #expect(try await layout.blob(descriptor).collect(limit: 1000) == bytes)
        }
    }
}
