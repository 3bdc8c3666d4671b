import Foundation
import Testing
import XArchModel

/// The metadata file of `xarch build --metadata-file` (`BuildMetadata`): its JSON, and the checks
/// `index create --from-metadata` relies on.
@Suite("build metadata")
struct BuildMetadataTests {
    static let digest = Digest.of(Array("a manifest".utf8))

    @Test func encodesEveryFieldWithReferenceNullWhenAbsent() throws {
        let metadata = BuildMetadata(digest: Self.digest, mediaType: .ociManifest, size: 480, platforms: ["linux/arm64"],
                                     reference: nil)
        let text = String(decoding: try CanonicalJSON.encode(metadata), as: UTF8.self)
        #expect(text == "{\"digest\":\"\(Self.digest)\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"platforms\":[\"linux/arm64\"],\"reference\":null,\"size\":480}")
        #expect(try BuildMetadata(json: Array(text.utf8), name: "m.json") == metadata)
    }

    @Test func theReferenceMustNameTheDigest() throws {
        var metadata = BuildMetadata(digest: Self.digest, mediaType: .ociIndex, size: 1, platforms: ["linux/amd64", "linux/arm64"],
                                     reference: "registry.example/app@\(Self.digest)")
        let location = try metadata.location(name: "m.json")
        #expect(location.digest == Self.digest)
        #expect(metadata.singlePlatform == nil, "two platforms: no single platform to check")
        metadata.reference = "registry.example/app:1.0"
        #expect(throws: XArchError.self) { try metadata.location(name: "m.json") }
        metadata.reference = "oci:/tmp/out@\(Self.digest)"
        #expect(try metadata.location(name: "m.json").digest == Self.digest)
    }

    @Test(arguments: [
        ("", "not well-formed JSON"),
        ("{}", "missing field \"digest\""),
        ("{\"digest\":\"sha256:\(String(repeating: "a", count: 64))\",\"mediaType\":\"m\",\"size\":-1,\"platforms\":[]}", "negative"),
        ("{\"digest\":1,\"mediaType\":\"m\",\"size\":1,\"platforms\":[]}", "digest should be a string"),
    ])
    func badFilesAreOneSentenceNamingTheFile(text: String, message: String) {
        do {
            _ = try BuildMetadata(json: Array(text.utf8), name: "m.json")
            Issue.record("\(text) was accepted")
        } catch let error as XArchError {
            #expect(error.message.hasPrefix("m.json: "), "\(error.message)")
            #expect(error.message.contains(message), "\(error.message)")
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("\(error)")
        }
    }
}
