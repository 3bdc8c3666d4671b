import Foundation
import Testing
import XArch
import XArchArchive
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchTestSupport

/// `oci-archive:` and `docker-archive:` between local layouts: what is written reads back, and an archive
/// that is truncated, climbs out of itself or contradicts itself is refused with one line, leaving
/// nothing behind.
@Suite("archive transports")
struct ArchiveTransportTests {
    static func copy(_ source: String, _ destination: String, platforms: [String]? = nil) async throws -> CopyReport {
        try await ImageCopy.copy(from: try ImageLocation(parsing: source), to: try ImageLocation(parsing: destination),
                                 resolver: StoreResolver(session: TestSession.shared),
                                 options: CopyOptions(platforms: try platforms?.map { try Platform(parsing: $0) }))
    }

    static func inspect(_ location: String) async throws -> ManifestDocument {
        try await OpenedImage.open(try ImageLocation(parsing: location)).root()
    }

    /// The one-line message of what `body` throws.
    static func message(_ body: () async throws -> Void) async -> String {
        do {
            try await body()
            return "no error"
        } catch let error as XArchError {
            #expect(!error.message.contains("\n"))
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func ociArchiveRoundTripKeepsTheIndexAndEveryChild() async throws {
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            let demo = try await TestImages.demo(at: "\(dir)/src")
            let report = try await Self.copy("oci:\(dir)/src:demo", "oci-archive:\(dir)/out/demo.tar:v1")
            #expect(report.destinationDigest == demo.index.digest.description)
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/out") == ["demo.tar"])
            #expect(try await Self.inspect("oci-archive:\(dir)/out/demo.tar:v1").digest == demo.index.digest)
            #expect(try await Self.inspect("oci-archive:\(dir)/out/demo.tar").digest == demo.index.digest)
            let back = try await Self.copy("oci-archive:\(dir)/out/demo.tar:v1", "oci:\(dir)/back:v1")
            #expect(back.destinationDigest == demo.index.digest.description)
            let layout = try OCILayout.open(at: "\(dir)/back")
            for child in demo.children { #expect(try await layout.manifestDescriptor(.digest(child.digest)) != nil) }
            // Written again: the same bytes (members owned by root, dated at the epoch).
            _ = try await Self.copy("oci:\(dir)/src:demo", "oci-archive:\(dir)/out/again.tar:v1")
            #expect(FileManager.default.contents(atPath: "\(dir)/out/demo.tar") == FileManager.default.contents(atPath: "\(dir)/out/again.tar"))
        }
    }

    @Test func dockerArchiveTakesOnePlatformAndReadsBack() async throws {
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            let demo = try await TestImages.demo(at: "\(dir)/src")
            let report = try await Self.copy("oci:\(dir)/src:demo", "docker-archive:\(dir)/arm.tar:example.com/demo:arm",
                                             platforms: ["linux/arm64"])
            #expect(report.destinationDigest == demo.children[1].digest.description)
            #expect(report.notes?.count == 1 && report.notes?[0].contains("took linux/arm64") == true)
            let image = try #require(try await Self.inspect("docker-archive:\(dir)/arm.tar:example.com/demo:arm").image)
            let original = try #require(try await OCILayout.open(at: "\(dir)/src").manifest(.digest(demo.children[1].digest)).image)
            #expect(image.config.digest == original.config.digest)
            #expect(image.layers.map(\.digest) == original.layers.map(\.digest))
            let tooMany = await Self.message {
                _ = try await Self.copy("oci:\(dir)/src:demo", "docker-archive:\(dir)/two.tar", platforms: ["linux/arm64", "linux/amd64"])
            }
            #expect(tooMany.contains("holds one platform"), "\(tooMany)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/two.tar"))
        }
    }

    @Test func aTruncatedArchiveIsRefused() async throws {
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            _ = try await TestImages.demo(at: "\(dir)/src")
            _ = try await Self.copy("oci:\(dir)/src:demo", "oci-archive:\(dir)/demo.tar:v1")
            let bytes = try #require(FileManager.default.contents(atPath: "\(dir)/demo.tar"))
            // Cut inside the last member's content (the trailer is 1024 zero bytes, its padding fewer than 512).
            try bytes.prefix(bytes.count - 1024 - 700).write(to: URL(fileURLWithPath: "\(dir)/cut.tar"))
            let message = await Self.message { _ = try await Self.copy("oci-archive:\(dir)/cut.tar:v1", "oci:\(dir)/out:v1") }
            #expect(message.contains("oci-archive:\(dir)/cut.tar") && message.contains("truncated"), "\(message)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/out/index.json") || (try? OCILayout.open(at: "\(dir)/out").index().manifests.isEmpty) == true)
        }
    }

    struct Hostile: Sendable, CustomTestStringConvertible {
        let name: String
        let entries: [TarWriter.Entry]
        let fragment: String
        var testDescription: String { name }
    }

    static let layoutFile = TarWriter.Entry.file("oci-layout", Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
    static let emptyIndex = TarWriter.Entry.file("index.json", Array(#"{"schemaVersion":2,"manifests":[]}"#.utf8))

    static let hostile: [Hostile] = [
        Hostile(name: "dot-dot", entries: [layoutFile, emptyIndex, .file("../evil", [1])], fragment: "climbs out of the archive"),
        Hostile(name: "nested dot-dot", entries: [layoutFile, .file("blobs/../../evil", [1])], fragment: "climbs out of the archive"),
        Hostile(name: "absolute", entries: [layoutFile, .file("/etc/evil", [1])], fragment: "an absolute name"),
        Hostile(name: "duplicate", entries: [layoutFile, emptyIndex, emptyIndex], fragment: "holds the member \"index.json\" twice"),
        Hostile(name: "file and directory", entries: [layoutFile, emptyIndex, .file("blobs", [1]), .directory("blobs")],
                fragment: "both as a file and as a directory"),
        Hostile(name: "link outside", entries: [layoutFile, .symlink("index.json", to: "../../etc/passwd")], fragment: "points outside the archive"),
        Hostile(name: "absolute link", entries: [layoutFile, .symlink("index.json", to: "/etc/passwd")], fragment: "points outside the archive"),
        Hostile(name: "device", entries: [layoutFile, TarWriter.Entry(TarHeader(name: "dev", kind: .characterDevice, mode: 0o600))],
                fragment: "neither a file, a directory nor a link"),
    ]

    @Test(arguments: hostile)
    func aHostileOCIArchiveIsRefused(_ c: Hostile) async throws {
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            try Data(try TarWriter.archive(c.entries)).write(to: URL(fileURLWithPath: "\(dir)/bad.tar"))
            let message = await Self.message { _ = try await Self.inspect("oci-archive:\(dir)/bad.tar") }
            #expect(message.contains(c.fragment) && message.hasPrefix("oci-archive:\(dir)/bad.tar"), "\(message)")
        }
    }

    @Test(arguments: [("../config.json", "Config"), ("/etc/passwd", "Config"), ("layer/../../x", "layer")])
    func aDockerManifestPointingOutsideIsRefused(_ path: String, _ field: String) async throws {
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            let config = #"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#
            let list = field == "Config" ? #"[{"Config":"\#(path)","RepoTags":null,"Layers":[]}]"#
                : #"[{"Config":"c.json","RepoTags":null,"Layers":["\#(path)"]}]"#
            let tar = try TarWriter.archive([.file("c.json", Array(config.utf8)), .file("manifest.json", Array(list.utf8))])
            try Data(tar).write(to: URL(fileURLWithPath: "\(dir)/bad.tar"))
            let message = await Self.message { _ = try await Self.inspect("docker-archive:\(dir)/bad.tar") }
            #expect(message.contains("points outside the archive"), "\(message)")
        }
    }

    @Test func aFailedWriteLeavesNothingBehind() async throws {
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            let demo = try await TestImages.demo(at: "\(dir)/src")
            // Damage one layer of the source: the copy fails after the staging layout got some blobs.
            let layer = try #require(try await OCILayout.open(at: "\(dir)/src").manifest(.digest(demo.children[2].digest)).image?.layers.first)
            try Data([0x42]).write(to: URL(fileURLWithPath: "\(dir)/src/blobs/sha256/\(layer.digest.encoded)"))
            try FileManager.default.createDirectory(atPath: "\(dir)/out", withIntermediateDirectories: true)
            for destination in ["oci-archive:\(dir)/out/a.tar:v1", "docker-archive:\(dir)/out/b.tar"] {
                let message = await Self.message {
                    _ = try await Self.copy("oci:\(dir)/src:demo", destination, platforms: destination.hasPrefix("docker") ? ["linux/arm/v7"] : nil)
                }
                #expect(message.contains(layer.digest.description), "\(message)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/out") == [])
        }
    }
}
