import Foundation
import Testing
@testable import XArchModel

/// Shared helpers for the XArchModel tests.
enum ModelFixture {
    /// The exact bytes of `Fixtures/<folder>/<name>`, as copied into the test bundle by `.copy("Fixtures")`.
    static func bytes(_ name: String, in folder: String = "manifests") throws -> [UInt8] {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/\(folder)"),
            "fixture \(folder)/\(name) is missing from the test bundle")
        return Array(try Data(contentsOf: url))
    }
}

/// UTF-8 bytes of a JSON text.
func jsonBytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A digest made of one repeated lowercase hex character (`"a"` → `sha256:aaaa…`).
func repeatedDigest(_ c: Character, _ algorithm: Digest.Algorithm = .sha256) -> Digest {
    Digest(uncheckedAlgorithm: algorithm, encoded: String(repeating: c, count: algorithm.encodedLength))
}

/// Minimal JSON snippets for building documents in tests.
enum ModelJSON {
    static func descriptor(_ mediaType: MediaType, _ digest: Digest, size: Int = 1, extra: String = "") -> String {
        #"{"mediaType":"\#(mediaType)","digest":"\#(digest)","size":\#(size)\#(extra.isEmpty ? "" : "," + extra)}"#
    }
    static let config = descriptor(.ociConfig, repeatedDigest("c"), size: 2)
    static let layer = descriptor(.ociLayerGzip, repeatedDigest("d"), size: 3)
    static let entry = descriptor(.ociManifest, repeatedDigest("e"), size: 4,
                                  extra: #""platform":{"architecture":"amd64","os":"linux"}"#)
}
