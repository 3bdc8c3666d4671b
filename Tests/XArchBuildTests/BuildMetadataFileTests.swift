import Foundation
import Testing
@testable import XArchBuild
import XArchModel
import XArchTestSupport

/// The metadata file of `xarch build --metadata-file`: replaced atomically, nothing left behind when the
/// write fails, read back with its limits.
@Suite("build metadata file")
struct BuildMetadataFileTests {
    static let metadata = BuildMetadata(digest: Digest.of(Array("m".utf8)), mediaType: .ociManifest, size: 401,
                                        platforms: ["linux/arm64"], reference: "registry.example/app@\(Digest.of(Array("m".utf8)))")

    /// The names in `dir`, sorted.
    static func names(_ dir: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }

    @Test func replacesTheFileAndReadsItBack() throws {
        let dir = try TestImages.temporaryDirectory("metadata-file")
        defer { TestImages.cleanup(dir) }
        try Data("old".utf8).write(to: URL(fileURLWithPath: "\(dir)/m.json"))
        try Self.metadata.write(to: "\(dir)/m.json")
        #expect(try BuildMetadata.read(from: "\(dir)/m.json") == Self.metadata)
        #expect(try Self.names(dir) == ["m.json"], "no temporary file is left")
        // A bare name goes to the current directory's file of that name, as a shell user expects.
        #expect(BuildMetadata.directory(of: "m.json") == "." && BuildMetadata.directory(of: "/m.json") == "/")
    }

    @Test func aFailedWriteLeavesNothingBehind() throws {
        let dir = try TestImages.temporaryDirectory("metadata-file")
        defer { TestImages.cleanup(dir) }
        // The target is a directory that is not empty: the rename fails after the temporary file was written.
        try FileManager.default.createDirectory(atPath: "\(dir)/m.json", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(dir)/m.json/keep"))
        #expect(throws: XArchError.self) { try Self.metadata.write(to: "\(dir)/m.json") }
        #expect(try Self.names(dir) == ["m.json"], "the temporary file was removed")
        #expect(try Self.names("\(dir)/m.json") == ["keep"])
    }

    @Test func aFileTooLargeIsRefusedUnread() throws {
        let dir = try TestImages.temporaryDirectory("metadata-file")
        defer { TestImages.cleanup(dir) }
        try Data(repeating: 0x20, count: BuildMetadata.maximumSize + 1).write(to: URL(fileURLWithPath: "\(dir)/m.json"))
        #expect { try BuildMetadata.read(from: "\(dir)/m.json") } throws: { error in
            (error as? XArchError)?.code == .tooLarge
        }
    }
}
