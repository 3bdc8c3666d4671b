import Foundation
import Testing
import XArchArchive
import XArchModel
import XArchTestSupport
@testable import XArchBuild

/// The layer writer: byte-for-byte reproducible tar+gzip, with the diff ID and digest computed in the
/// same pass — checked against gzip, sha256sum and GNU tar.
@Suite struct LayerWriterTests {
    static func sample(_ directory: String) throws -> LayerEntries {
        let big = "\(directory)/big.bin"
        var bytes = [UInt8](repeating: 0, count: 3 * 1024 * 1024 + 17)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
        try Data(bytes).write(to: URL(fileURLWithPath: big))
        let long = String(repeating: "very-long-directory-name/", count: 8) + "file-with-a-long-name.txt"
        var entries = LayerEntries([
            .file("etc/hello.txt", bytes: Array("hello\n".utf8)),
            LayerEntry(path: "usr/bin/big", kind: .regularFile, mode: 0o4755, uid: 1000, gid: 1000,
                       size: Int64(bytes.count), modificationTime: 1_700_000_000, content: .file(path: big)),
            LayerEntry(path: "usr/bin/link", kind: .symbolicLink(target: "big"), mode: 0o777),
            .file(long, bytes: Array("deep\n".utf8)),
            .file("ünïcödé.txt", bytes: []),
        ])
        entries.addMissingParents()
        return entries
    }

    func shell(_ command: String) async throws -> String {
        try await Peer.run("sh", ["-c", command]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func digestsMatchGzipAndSha256sum() async throws {
        let dir = try TestImages.temporaryDirectory("layer")
        defer { TestImages.cleanup(dir) }
        let blob = try await LayerWriter().write(try Self.sample(dir), to: "\(dir)/layer.tar.gz")
        let diffID = try await shell("gzip -dc '\(blob.file)' | sha256sum | cut -d' ' -f1")
        let digest = try await shell("sha256sum '\(blob.file)' | cut -d' ' -f1")
        let size = try await shell("stat -c %s '\(blob.file)'")
        let rawSize = try await shell("gzip -dc '\(blob.file)' | wc -c")
        #expect(blob.diffID.encoded == diffID)
        #expect(blob.descriptor.digest.encoded == digest)
        #expect(String(blob.descriptor.size) == size)
        #expect(String(blob.uncompressedSize) == rawSize)
        #expect(blob.descriptor.mediaType == .ociLayerGzip)
    }

    @Test func tarListingIsSortedWithParentsAndClampedTimes() async throws {
        let dir = try TestImages.temporaryDirectory("layer")
        defer { TestImages.cleanup(dir) }
        let blob = try await LayerWriter().write(try Self.sample(dir), to: "\(dir)/layer.tar.gz")
        let names = try await shell("tar -tzf '\(blob.file)'").split(separator: "\n").map(String.init)
        #expect(names.first == "etc/")
        #expect(names.contains("usr/bin/big"))
        #expect(names.contains(String(repeating: "very-long-directory-name/", count: 8) + "file-with-a-long-name.txt"))
        #expect(names.contains("ünïcödé.txt"))
        let verbose = try await shell("tar --numeric-owner --full-time -tvzf '\(blob.file)' usr/bin/big")
        #expect(verbose.hasPrefix("-rwsr-xr-x 1000/1000"))
        #expect(verbose.contains("1970-01-01 00:00:00"))
        let content = try await shell("tar -xzOf '\(blob.file)' usr/bin/big | cmp - '\(dir)/big.bin' && echo same")
        #expect(content == "same")
    }

    @Test func sameEntriesGiveSameBytes() async throws {
        let dir = try TestImages.temporaryDirectory("layer")
        defer { TestImages.cleanup(dir) }
        let entries = try Self.sample(dir)
        let a = try await LayerWriter().write(entries, to: "\(dir)/a.tar.gz")
        let b = try await LayerWriter().write(entries, to: "\(dir)/b.tar.gz")
        #expect(a.descriptor == b.descriptor && a.diffID == b.diffID)
        let later = try await LayerWriter(sourceDateEpoch: 1_800_000_000).write(entries, to: "\(dir)/c.tar.gz")
        #expect(later.diffID != a.diffID)
        let verbose = try await shell("tar --full-time -tvzf '\(later.file)' usr/bin/big")
        #expect(verbose.contains("2023-11-14"))
    }

    @Test func gzipHeaderIsFixed() throws {
        let dir = try TestImages.temporaryDirectory("layer")
        defer { TestImages.cleanup(dir) }
        let blob = try LayerWriter().write(LayerEntries([.file("a", bytes: [1, 2, 3])]), to: "\(dir)/l.tar.gz")
        let head = try [UInt8](Data(contentsOf: URL(fileURLWithPath: blob.file)).prefix(10))
        #expect(head == [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF])
    }

    @Test func aFileThatChangesSizeIsAnError() throws {
        let dir = try TestImages.temporaryDirectory("layer")
        defer { TestImages.cleanup(dir) }
        try Data("12345".utf8).write(to: URL(fileURLWithPath: "\(dir)/f"))
        let entry = LayerEntry(path: "f", kind: .regularFile, mode: 0o644, size: 3, content: .file(path: "\(dir)/f"))
        #expect(throws: XArchError.self) { try LayerWriter().write(LayerEntries([entry]), to: "\(dir)/l.tar.gz") }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/l.tar.gz"))
    }

    @Test(arguments: [
        ("short", true),
        (String(repeating: "a", count: 100), true),
        (String(repeating: "a", count: 101), false),
        (String(repeating: "d", count: 150) + "/" + String(repeating: "f", count: 100), true),
        (String(repeating: "d", count: 156) + "/f", false),
    ])
    func ustarSplit(name: String, fits: Bool) {
        #expect((TarHeader.ustarSplit(name) != nil) == fits)
    }

    @Test func paxRecordLengthCountsItself() {
        #expect(PaxRecords.record("path", "abc") == Array("12 path=abc\n".utf8))
        let value = String(repeating: "x", count: 91)
        let record = PaxRecords.record("path", value)
        #expect(record.count == 101 && record.starts(with: Array("101 ".utf8)))
    }
}
