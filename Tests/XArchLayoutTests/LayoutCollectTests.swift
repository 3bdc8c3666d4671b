import Foundation
import Testing
import XArchContent
@testable import XArchLayout
import XArchModel
import XArchTestSupport

/// `xarch layout gc` and the reclaiming of killed writers' temporary files (issue 18, leftovers).
@Suite("OCI layout: garbage collection", .serialized)
struct LayoutCollectTests {
    /// A layout with one tagged image, one unreferenced blob and one `.tmp-*` file nobody holds.
    static func littered(_ dir: String) async throws -> (OCILayout, orphan: Descriptor, stale: String) {
        let layout = try OCILayout.create(at: "\(dir)/l")
        let (image, bytes) = try await Fixture.image(in: layout, seed: 3)
        try await layout.putManifest(image, bytes: bytes, tag: "keep")
        let orphanBytes = Fixture.bytes(4000, seed: 9)
        let orphan = Descriptor(mediaType: .ociLayer, bytes: orphanBytes)
        try await layout.putBlob(orphan, from: ByteStream(bytes: orphanBytes))
        let stale = "\(dir)/l/blobs/sha256/.tmp-killedwriter"
        try Data(repeating: 7, count: 1234).write(to: URL(fileURLWithPath: stale))
        return (layout, orphan, stale)
    }

    /// The race of a copy with `layout gc`: the copy finds an old unreferenced layer present and skips
    /// it, gc removes it, the copy roots its index. The root's write must fail, not name a missing blob.
    @Test func rootingContentWhoseLayerWasCollectedMeanwhileFailsAndLeavesIndexJSONAlone() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-gc-race") { dir in
            let layout = try OCILayout.create(at: "\(dir)/l")
            let (image, bytes) = try await Fixture.image(in: layout, seed: 5)
            try await layout.putManifest(image, bytes: bytes, tag: nil)  // a child: stored, not in index.json
            let layer = try #require(try ManifestDocument(bytes: bytes, expected: image).image?.layers.first)
            // What gc does to a blob nothing in index.json names once its grace has passed.
            try FileManager.default.removeItem(atPath: "\(dir)/l/blobs/sha256/\(layer.digest.encoded)")
            let indexBytes = try CanonicalJSON.encode(ImageIndex(manifests: [image]))
            let root = Descriptor(mediaType: .ociIndex, bytes: indexBytes)
            let before = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/l/index.json"))
            do {
                try await layout.putManifest(root, bytes: indexBytes, tag: "late")
                Issue.record("an index naming a missing layer was rooted")
            } catch let error as XArchError {
                #expect(error.code == .notFound && error.message.contains("\(layer.digest)") && error.message.contains("is missing"), "\(error.message)")
            }
            do {
                try layout.addToIndex(image, tag: nil)
                Issue.record("an image naming a missing layer was added to index.json")
            } catch let error as XArchError {
                #expect(error.code == .notFound, "\(error.message)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/l/index.json")) == before)
        }
    }

    @Test func aDryRunListsAndRemovesNothingThenGCRemovesOnlyTheUnreferenced() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-gc") { dir in
            let (layout, orphan, stale) = try await Self.littered(dir)
            let blobsBefore = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/l/blobs/sha256").count
            let dry = try layout.collectGarbage(dryRun: true, grace: 0)
            #expect(dry.blobs == [.init(name: orphan.digest.description, size: 4000)])
            #expect(dry.temporaryFiles == [.init(name: "blobs/sha256/.tmp-killedwriter", size: 1234)])
            #expect(dry.blobsKept == 3 && dry.bytes == 5234)
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/l/blobs/sha256").count == blobsBefore)

            let done = try layout.collectGarbage(dryRun: false, grace: 0)
            #expect(done.blobs == dry.blobs && done.temporaryFiles == dry.temporaryFiles)
            #expect(!FileManager.default.fileExists(atPath: stale))
            #expect(try await layout.blobSize(orphan.digest) == nil)
            let kept = try await layout.manifest(.tag("keep"))
            for d in kept.image!.layers + [kept.image!.config] { #expect(try await layout.hasBlob(d.digest)) }
            #expect(try layout.collectGarbage(dryRun: false, grace: 0).blobs.isEmpty, "a second run finds nothing")
        }
    }

    @Test func recentBlobsAreKeptWithinTheGrace() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-gc") { dir in
            let (layout, _, _) = try await Self.littered(dir)
            #expect(try layout.collectGarbage(dryRun: true, grace: 3600).blobs.isEmpty)
        }
    }

    /// A live writer holds its temporary file's lock: it is never reclaimed; once the writer is killed
    /// (SIGKILL: no cleanup ran) the kernel drops the lock and the file is reclaimed.
    @Test func aLiveWritersFileIsKeptAndAKilledWritersFileIsReclaimed() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-gc") { dir in
            let (layout, _, stale) = try await Self.littered(dir)
            try FileManager.default.removeItem(atPath: stale)
            let file = "\(dir)/l/blobs/sha256/.tmp-livewriter"
            let script = "import fcntl, time\nf = open('\(file)', 'w')\nfcntl.flock(f, fcntl.LOCK_EX)\nf.write('x'); f.flush()\ntime.sleep(120)\n"
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            writer.arguments = ["-c", script]
            writer.standardOutput = FileHandle.nullDevice
            writer.standardError = FileHandle.nullDevice
            try writer.run()
            let pid = writer.processIdentifier
            defer { if writer.isRunning { kill(pid, SIGKILL) } }
            try await Self.until { Self.isLocked(file) }
            #expect(try layout.staleTemporaryFiles(grace: 0).isEmpty, "a live writer's file is not stale")
            #expect(try layout.reclaimTemporaryFiles(grace: 0) == 0)
            kill(pid, SIGKILL)
            try await waitForExit(writer)
            #expect(!Self.isLocked(file), "the kernel released the dead writer's lock")
            #expect(try layout.reclaimTemporaryFiles(grace: 0) == 1)
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }

    @Test func openingALayoutForWritingReclaimsOldLeftovers() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-gc") { dir in
            let (_, _, stale) = try await Self.littered(dir)
            var old = [timeval(tv_sec: 1_000_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000_000, tv_usec: 0)]
            #expect(utimes(stale, &old) == 0)
            let fresh = "\(dir)/l/blobs/sha256/.tmp-fresh"
            try Data([1]).write(to: URL(fileURLWithPath: fresh))
            _ = try OCILayout.openOrCreate(at: "\(dir)/l")
            #expect(!FileManager.default.fileExists(atPath: stale), "an old, unlocked leftover is reclaimed")
            #expect(FileManager.default.fileExists(atPath: fresh), "a file written seconds ago is given its grace")
        }
    }

    static func isLocked(_ file: String) -> Bool {
        let fd = open(file, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { _ = flock(fd, LOCK_UN); return false }
        return true
    }

    /// Polls `condition` for up to 10 s.
    static func until(_ condition: () -> Bool) async throws {
        for _ in 0..<200 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("condition not met within 10 s")
    }
}
