import Foundation
import Testing
import XArchTestSupport
@testable import XArchModel

/// `Digest` parsing, hashing and coding (OCI image spec, descriptor.md "Digests").
@Suite("Digest")
struct DigestTests {
    static let hex64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let hex128 = String(repeating: "0123456789abcdef", count: 8)

    @Test("valid digests parse and print back unchanged", arguments: [
        ("sha256:" + hex64, Digest.Algorithm.sha256),
        ("sha256:" + String(repeating: "0", count: 64), .sha256),
        ("sha512:" + hex128, .sha512),
    ])
    func valid(text: String, algorithm: Digest.Algorithm) throws {
        let digest = try Digest(parsing: text)
        #expect(digest.algorithm == algorithm)
        #expect(digest.encoded == String(text.split(separator: ":")[1]))
        #expect(digest.description == text)
        #expect(digest.short == String(digest.encoded.prefix(12)))
        #expect(Digest.isValid(text))
    }

    static let upper64 = hex64.uppercased()
    static let tail63 = String(hex64.dropFirst())

    /// Every refusal names the input and what is wrong with it.
    @Test("invalid digests are refused with a message naming the problem", arguments: invalidCases)
    func invalid(text: String, fragments: [String]) {
        expectXArchError(.invalidInput, containing: ["invalid digest"] + fragments) {
            _ = try Digest(parsing: text)
        }
        #expect(!Digest.isValid(text))
    }

    static let invalidCases: [(String, [String])] = [
        ("", ["expected ALGORITHM:HEX"]),
        ("sha256", ["expected ALGORITHM:HEX"]),
        (hex64, ["expected ALGORITHM:HEX"]),
        ("md5:d41d8cd98f00b204e9800998ecf8427e", ["unsupported algorithm \"md5\"", "sha256 or sha512"]),
        (":" + hex64, ["unsupported algorithm \"\""]),
        ("SHA256:" + hex64, ["unsupported algorithm \"SHA256\""]),
        ("sha256:", ["has 64 hex characters", "this one has 0"]),
        ("sha256:" + tail63, ["has 64 hex characters", "this one has 63"]),
        ("sha256:" + hex64 + "0", ["has 64 hex characters", "this one has 65"]),
        ("sha256:" + hex128, ["has 64 hex characters", "this one has 128"]),
        ("sha512:" + hex64, ["a sha512 digest has 128 hex characters", "this one has 64"]),
        ("sha512:" + hex128 + "00", ["has 128 hex characters", "this one has 130"]),
        ("sha256:" + upper64, ["uppercase hex is not allowed"]),
        ("sha256:A" + tail63, ["uppercase hex is not allowed"]),
        ("sha256:g" + tail63, ["not lowercase hexadecimal"]),
        ("sha256: " + tail63, ["not lowercase hexadecimal"]),
        ("sha256::" + tail63, ["not lowercase hexadecimal"]),
        ("sha256:-" + tail63, ["not lowercase hexadecimal"]),
    ]

    @Test("a very long input is cut in the message")
    func longInputIsTruncated() {
        let text = "sha256:" + String(repeating: "a", count: 5000)
        let error = expectXArchError(.invalidInput, containing: ["this one has 5000"]) { _ = try Digest(parsing: text) }
        #expect((error?.message.count ?? 0) < 300)
    }

    @Test("Digest.of matches published test vectors", arguments: [
        ("", Digest.Algorithm.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", .sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abc", .sha512,
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
            + "454d4423643ce80e2a9ac94fa54ca49f"),
        ("", .sha512,
         "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f"
            + "63b931bd47417a81a538327af927da3e"),
    ])
    func knownVectors(input: String, algorithm: Digest.Algorithm, hex: String) throws {
        let digest = Digest.of(Array(input.utf8), algorithm: algorithm)
        #expect(digest == (try Digest(parsing: "\(algorithm.rawValue):\(hex)")))
        #expect(Digest.of(Data(input.utf8), algorithm: algorithm) == digest)
    }

    @Test("sha256 is the default algorithm")
    func defaultAlgorithm() {
        #expect(Digest.of([UInt8]()).algorithm == .sha256)
        #expect(DigestHasher().algorithm == .sha256)
    }

    @Test("DigestHasher fed in chunks equals the one-shot digest", arguments: Digest.Algorithm.allCases, [1, 7, 64, 1000, 4096])
    func streaming(algorithm: Digest.Algorithm, chunk: Int) {
        let bytes = (0..<10_007).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = DigestHasher(algorithm)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            if offset.isMultiple(of: 2) {
                hasher.update(bytes[offset..<end])
            } else {
                bytes[offset..<end].withUnsafeBytes { hasher.update($0) }
            }
            offset = end
        }
        #expect(hasher.count == Int64(bytes.count))
        #expect(hasher.finalize() == Digest.of(bytes, algorithm: algorithm))
    }

    @Test("finalize does not consume the hasher")
    func finalizeTwice() {
        var hasher = DigestHasher()
        hasher.update(Array("ab".utf8))
        let first = hasher.finalize()
        #expect(hasher.finalize() == first)
        hasher.update(Array("c".utf8))
        #expect(hasher.finalize() == Digest.of(Array("abc".utf8)))
    }

    @Test("Codable round trip through a JSON string")
    func codable() throws {
        let digest = try Digest(parsing: "sha512:" + Self.hex128)
        let bytes = try CanonicalJSON.encode([digest])
        #expect(String(decoding: bytes, as: UTF8.self) == "[\"sha512:\(Self.hex128)\"]")
        #expect(try CanonicalJSON.decode([Digest].self, from: bytes, what: "digests") == [digest])
    }

    @Test("ordering and hashing follow the text")
    func comparable() {
        let a = repeatedDigest("a"), b = repeatedDigest("b"), c512 = repeatedDigest("0", .sha512)
        #expect(a < b)
        #expect(a < c512)  // "sha256:…" sorts before "sha512:…"
        #expect(Set([a, b, a]).count == 2)
    }

    @Test("an invalid digest inside a descriptor gives a readable decode error", arguments: [
        ("sha256:ABC", ["descriptor is not valid", "invalid digest \"sha256:ABC\"", "this one has 3"]),
        ("md5:" + String(repeating: "0", count: 32), ["descriptor is not valid", "unsupported algorithm \"md5\""]),
        ("sha256:" + hex64.uppercased(), ["descriptor is not valid", "uppercase hex is not allowed"]),
    ])
    func invalidInDescriptor(digest: String, fragments: [String]) {
        let json = #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(digest)","size":1}"#
        expectXArchError(.invalidInput, containing: fragments) {
            _ = try CanonicalJSON.decode(Descriptor.self, from: jsonBytes(json), what: "descriptor")
        }
    }

    @Test("a digest of the wrong JSON type names the field")
    func digestNotAString() {
        let json = #"{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":5,"size":1}]}"#
        expectXArchError(.invalidInput, containing: ["image index is not valid", "digest should be a string"]) {
            _ = try CanonicalJSON.decode(ImageIndex.self, from: jsonBytes(json), what: "image index")
        }
    }

    /// `Digest.init(from:)` wraps its error in a `DecodingError` so the message names the path.
    @Test("an invalid digest deep in an index names where it is")
    func invalidDigestNamesItsPath() {
        let good = ModelJSON.descriptor(.ociManifest, repeatedDigest("a"))
        let json = #"{"schemaVersion":2,"manifests":[\#(good),{"mediaType":"x","digest":"sha256:abc","size":1}]}"#
        let error = expectXArchError(.invalidInput, containing: ["invalid digest \"sha256:abc\""]) {
            _ = try CanonicalJSON.decode(ImageIndex.self, from: jsonBytes(json), what: "image index")
        }
        #expect(error?.message.contains("manifests[1].digest") == true, "\(error?.message ?? "")")
    }
}
