import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchTestSupport

@Suite("copy with mounts and foreign layers")
struct ImageCopyMountTests {
    @Test func mountsAreTriedFirstAndDeclinedOnesAreUploaded() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let amd64 = try await source.manifest(.digest(built.children[0].digest)).image!
            let declined: Set<Digest> = [built.shared.digest, amd64.config.digest]
            let mounting = CopyMountingStore(layout: destination, origin: source, declined: declined)
            let report = try await ImageCopy.copy(from: CopyOriginSource(layout: source), reference: .tag("multi"),
                                                  to: mounting, tag: "multi")
            let attempts = mounting.log.arguments("mountBlob")
            #expect(Set(attempts).count == attempts.count)
            #expect(report.blobs.mounted == attempts.count - declined.count)
            #expect(report.blobs.copied == declined.count)
            #expect(Set(mounting.log.arguments("putBlob")) == Set(declined.map(\.description)))
            for digest in declined {
                let mountedAt = try #require(mounting.log.sequence.firstIndex { $0 == ("mountBlob", digest.description) })
                let putAt = try #require(mounting.log.sequence.firstIndex { $0 == ("putBlob", digest.description) })
                #expect(mountedAt < putAt, "the mount is tried before the upload")
            }
            #expect(try CopyFixture.blobFiles(destination.path) == CopyFixture.blobFiles(source.path))
        }
    }

    @Test func noMountIsTriedFromASourceWithoutOrigin() async throws {
        try await CopyFixture.withLayouts { source, destination, _ in
            let mounting = CopyMountingStore(layout: destination, origin: source, declined: [])
            let report = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: mounting, tag: "multi")
            #expect(mounting.log.arguments("mountBlob").isEmpty)
            #expect(report.blobs.mounted == 0 && report.blobs.copied > 0)
        }
    }

    @Test func foreignLayersAreNotCopied() async throws {
        let dir = try TestImages.temporaryDirectory("xarch-copy")
        defer { TestImages.cleanup(dir) }
        let source = try OCILayout.create(at: "\(dir)/src")
        let foreignBytes = CopyFixture.bytes(5000, seed: 7)
        var foreign = Descriptor(mediaType: .ociLayerNonDistributableGzip, bytes: foreignBytes)
        foreign.urls = ["https://example.test/layer.tar.gz"]
        let image = try await CopyFixture.image(try Platform(parsing: "windows/amd64"), base: [foreign], seed: 1, in: source)
        try await CopyFixture.index([image], tag: "win", in: source)
        let destination = try OCILayout.create(at: "\(dir)/dst")
        let report = try await ImageCopy.copy(from: source, reference: .tag("win"), to: destination, tag: "win")
        #expect(report.nonDistributableSkipped == [foreign.digest.description])
        #expect(try CopyFixture.blobFiles(destination.path)[foreign.digest.encoded] == nil)
        #expect(try await destination.manifestDescriptor(.tag("win")) != nil)
    }
}
