import Foundation
import Testing
import XArchTestSupport
@testable import XArchModel

/// `ManifestDocument`: raw bytes kept, media type settled first, ambiguous and schema 1 documents
/// refused (OCI image spec image-manifest.md / image-index.md "mediaType"; CVE-2021-41190).
@Suite("ManifestDocument")
struct ManifestDocumentTests {
    typealias J = ModelJSON

    static func index(mediaType: MediaType? = .ociIndex, extra: String = "") -> String {
        let field = mediaType.map { #""mediaType":"\#($0)","# } ?? ""
        return #"{"schemaVersion":2,\#(field)"manifests":[\#(J.entry)]\#(extra)}"#
    }

    static func image(mediaType: MediaType? = .ociManifest, extra: String = "") -> String {
        let field = mediaType.map { #""mediaType":"\#($0)","# } ?? ""
        return #"{"schemaVersion":2,\#(field)"config":\#(J.config),"layers":[\#(J.layer)]\#(extra)}"#
    }

    // MARK: Parsing the four kinds

    @Test("the four document kinds parse, keep their bytes and hash them", arguments: [
        (index(mediaType: .ociIndex), MediaType.ociIndex),
        (index(mediaType: .dockerManifestList), .dockerManifestList),
        (image(mediaType: .ociManifest), .ociManifest),
        (image(mediaType: .dockerManifest), .dockerManifest),
    ])
    func parses(json: String, type: MediaType) throws {
        let bytes = jsonBytes(json)
        let document = try ManifestDocument(bytes: bytes, declaredType: type)
        #expect(document.bytes == bytes)
        #expect(document.mediaType == type)
        #expect(document.digest == Digest.of(bytes))
        #expect(document.descriptor.size == Int64(bytes.count))
        #expect(document.descriptor == Descriptor(mediaType: type, bytes: bytes))
        if type.isIndex {
            let index = try #require(document.index)
            #expect(document.image == nil)
            #expect(index.mediaType == type)
            #expect(index.manifests.map(\.digest) == [repeatedDigest("e")])
            #expect(index.manifests.first?.platform == Platform(os: "linux", architecture: "amd64"))
        } else {
            let image = try #require(document.image)
            #expect(document.index == nil)
            #expect(image.mediaType == type)
            #expect(image.config.digest == repeatedDigest("c"))
            #expect(image.layers.map(\.mediaType) == [.ociLayerGzip])
            #expect(image.contentSize == 2 + 3)
        }
    }

    @Test("bytes are kept exactly, whitespace and key order included")
    func bytesKeptExactly() throws {
        let json = "{\n  \"manifests\" : [ ],\r\n\t\"schemaVersion\" : 2 ,\"mediaType\":\"\(MediaType.ociIndex)\"   }\n"
        let document = try ManifestDocument(bytes: jsonBytes(json), declaredType: nil)
        #expect(document.bytes == jsonBytes(json))
        #expect(document.digest == Digest.of(jsonBytes(json)))
        #expect(document.digest != Digest.of(try CanonicalJSON.encode(try #require(document.index))))
    }

    // MARK: Settling the media type

    @Test("media type from the field, the declared type, or the shape", arguments: [
        // the field wins when nothing is declared
        (index(mediaType: .dockerManifestList), nil, MediaType.dockerManifestList),
        (image(mediaType: .dockerManifest), nil, .dockerManifest),
        // the declared type is used when the document has no field
        (index(mediaType: nil), .dockerManifestList, .dockerManifestList),
        (index(mediaType: nil), .ociIndex, .ociIndex),
        (image(mediaType: nil), .ociManifest, .ociManifest),
        (image(mediaType: nil), .dockerManifest, .dockerManifest),
        // parameters on the declared type are ignored
        (index(mediaType: nil), "application/vnd.oci.image.index.v1+json; charset=utf-8", .ociIndex),
        (index(mediaType: .ociIndex), "application/vnd.oci.image.index.v1+json; charset=utf-8", .ociIndex),
        // a declared type that is not a manifest type (a generic Content-Type) is ignored
        (index(mediaType: nil), "application/json", .ociIndex),
        (image(mediaType: .dockerManifest), "application/octet-stream", .dockerManifest),
        // inferred from the shape when neither says
        (index(mediaType: nil), nil, .ociIndex),
        (image(mediaType: nil), nil, .ociManifest),
        (#"{"schemaVersion":2,"config":\#(J.config)}"#, nil, .ociManifest),
    ] as [(String, MediaType?, MediaType)])
    func settlesMediaType(json: String, declared: MediaType?, expected: MediaType) throws {
        let document = try ManifestDocument(bytes: jsonBytes(json), declaredType: declared)
        #expect(document.mediaType == expected)
        #expect(document.mediaType.isIndex == (document.index != nil))
    }

    @Test("a manifest without layers decodes with an empty list")
    func noLayers() throws {
        let document = try ManifestDocument(bytes: jsonBytes(#"{"schemaVersion":2,"config":\#(J.config)}"#), declaredType: nil)
        #expect(try #require(document.image).layers.isEmpty)
    }

    // MARK: Refusals

    /// One refusal: a document, the declared type, the error code and fragments of the message.
    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var json: String
        var declared: MediaType? = nil
        var code: XArchError.Code
        var fragments: [String]
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "field index, served as manifest", json: index(mediaType: .ociIndex), declared: .ociManifest,
                code: .invalidInput, fragments: ["mediaType is \(MediaType.ociIndex)", "served as \(MediaType.ociManifest)", "contradiction"]),
        Refusal(name: "field manifest, served as index", json: image(mediaType: .ociManifest), declared: .ociIndex,
                code: .invalidInput, fragments: ["mediaType is \(MediaType.ociManifest)", "served as \(MediaType.ociIndex)"]),
        Refusal(name: "field Docker list, served as OCI index", json: index(mediaType: .dockerManifestList), declared: .ociIndex,
                code: .invalidInput, fragments: ["contradiction"]),
        Refusal(name: "field Docker manifest, served as OCI manifest", json: image(mediaType: .dockerManifest), declared: .ociManifest,
                code: .invalidInput, fragments: ["contradiction"]),
        Refusal(name: "both manifests and layers", json: index(extra: #","layers":[\#(J.layer)]"#),
                code: .invalidInput, fragments: ["ambiguous", "\"manifests\"", "\"layers\"/\"config\""]),
        Refusal(name: "both manifests and config", json: index(extra: #","config":\#(J.config)"#),
                code: .invalidInput, fragments: ["ambiguous"]),
        Refusal(name: "manifest shape with manifests and config, no field", json: image(mediaType: nil, extra: #","manifests":[]"#),
                declared: .ociManifest, code: .invalidInput, fragments: ["ambiguous"]),
        Refusal(name: "ambiguous even with null values", json: #"{"schemaVersion":2,"manifests":null,"layers":null}"#,
                code: .invalidInput, fragments: ["ambiguous"]),
        Refusal(name: "schema 1 by schemaVersion", json: #"{"schemaVersion":1,"name":"library/busybox","tag":"1","fsLayers":[]}"#,
                code: .unsupported, fragments: ["schema 1", "not supported", "skopeo copy --format v2s2"]),
        Refusal(name: "schema 1 by schemaVersion only", json: #"{"schemaVersion":1,"config":\#(J.config)}"#,
                code: .unsupported, fragments: ["schema 1"]),
        Refusal(name: "schema 1 by fsLayers", json: #"{"name":"library/busybox","tag":"1","architecture":"amd64","fsLayers":[{"blobSum":"\#(repeatedDigest("a"))"}],"history":[]}"#,
                code: .unsupported, fragments: ["schema 1"]),
        Refusal(name: "schema 1 by declared type", json: index(mediaType: nil), declared: .dockerSchema1Signed,
                code: .unsupported, fragments: ["schema 1"]),
        Refusal(name: "schema 1 by declared unsigned type", json: image(mediaType: nil), declared: .dockerSchema1,
                code: .unsupported, fragments: ["schema 1"]),
        Refusal(name: "schema 1 by mediaType field", json: #"{"schemaVersion":2,"mediaType":"\#(MediaType.dockerSchema1Signed)","config":\#(J.config)}"#,
                code: .unsupported, fragments: ["schema 1"]),
        Refusal(name: "index type without manifests (field)", json: #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)"}"#,
                code: .invalidInput, fragments: ["of type \(MediaType.ociIndex) has no \"manifests\" list"]),
        Refusal(name: "index type without manifests (declared)", json: image(mediaType: nil), declared: .dockerManifestList,
                code: .invalidInput, fragments: ["has no \"manifests\" list"]),
        Refusal(name: "manifest type without config", json: #"{"schemaVersion":2,"mediaType":"\#(MediaType.dockerManifest)","layers":[]}"#,
                code: .invalidInput, fragments: ["has no \"config\" descriptor"]),
        Refusal(name: "manifest field on an index shape", json: #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociManifest)","manifests":[]}"#,
                code: .invalidInput, fragments: ["has no \"config\" descriptor"]),
        Refusal(name: "field names a non-manifest type", json: #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociConfig)","config":\#(J.config)}"#,
                code: .unsupported, fragments: ["unsupported manifest media type \(MediaType.ociConfig)"]),
        Refusal(name: "not JSON", json: "this is not JSON", code: .invalidInput, fragments: ["not well-formed JSON"]),
        Refusal(name: "empty", json: "", code: .invalidInput, fragments: ["not well-formed JSON"]),
        Refusal(name: "truncated", json: String(index().dropLast()), code: .invalidInput, fragments: ["not well-formed JSON"]),
        Refusal(name: "JSON array", json: "[" + index() + "]", code: .invalidInput, fragments: ["not a JSON object"]),
        Refusal(name: "JSON string", json: #""text""#, code: .invalidInput, fragments: ["manifest is not"]),
        Refusal(name: "JSON number", json: "42", code: .invalidInput, fragments: ["manifest is not"]),
        Refusal(name: "mediaType not a string", json: #"{"schemaVersion":2,"mediaType":7,"manifests":[]}"#,
                code: .invalidInput, fragments: ["\"mediaType\" is not a string"]),
        Refusal(name: "mediaType null", json: #"{"schemaVersion":2,"mediaType":null,"manifests":[]}"#,
                code: .invalidInput, fragments: ["\"mediaType\" is not a string"]),
        Refusal(name: "schemaVersion missing", json: #"{"manifests":[]}"#,
                code: .invalidInput, fragments: ["image index is not valid", "missing field \"schemaVersion\""]),
        Refusal(name: "manifests not an array", json: #"{"schemaVersion":2,"manifests":{}}"#,
                code: .invalidInput, fragments: ["image index is not valid", "manifests should be an array"]),
        Refusal(name: "entry without digest", json: #"{"schemaVersion":2,"manifests":[{"mediaType":"x","size":1}]}"#,
                code: .invalidInput, fragments: ["missing field \"digest\""]),
        Refusal(name: "entry with an invalid digest", json: #"{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:ABC","size":1}]}"#,
                code: .invalidInput, fragments: ["image index is not valid", "invalid digest"]),
        Refusal(name: "negative size", json: #"{"schemaVersion":2,"config":\#(J.descriptor(.ociConfig, repeatedDigest("c"), size: -1))}"#,
                code: .invalidInput, fragments: ["image manifest is not valid", "size must not be negative"]),
    ]

    @Test("refusals name the problem", arguments: refusals)
    func refused(refusal: Refusal) {
        expectXArchError(refusal.code, containing: refusal.fragments) {
            _ = try ManifestDocument(bytes: jsonBytes(refusal.json), declaredType: refusal.declared)
        }
    }

    // MARK: Size cap

    @Test("a document of exactly the cap is read, one byte more is refused")
    func sizeCap() throws {
        let body = Self.index()
        let padding = ManifestDocument.maxSize - body.utf8.count
        let atCap = jsonBytes(body) + [UInt8](repeating: 0x20, count: padding)
        #expect(atCap.count == ManifestDocument.maxSize)
        #expect(try ManifestDocument(bytes: atCap, declaredType: nil).bytes.count == ManifestDocument.maxSize)
        expectXArchError(.tooLarge, containing: ["\(ManifestDocument.maxSize + 1) bytes", "8388608-byte limit"]) {
            _ = try ManifestDocument(bytes: atCap + [0x20], declaredType: nil)
        }
        #expect(ManifestDocument.maxSize == 8 * 1024 * 1024)
    }

    // MARK: Fetched by descriptor

    @Test("init(bytes:expected:) accepts matching content")
    func expectedMatches() throws {
        let bytes = jsonBytes(Self.index())
        let expected = Descriptor(mediaType: .ociIndex, bytes: bytes)
        let document = try ManifestDocument(bytes: bytes, expected: expected)
        #expect(document.descriptor == expected)
    }

    @Test("init(bytes:expected:) refuses a wrong digest")
    func expectedWrongDigest() {
        let bytes = jsonBytes(Self.index())
        let expected = Descriptor(mediaType: .ociIndex, digest: repeatedDigest("f"), size: Int64(bytes.count))
        expectXArchError(.digestMismatch, containing: ["has digest \(Digest.of(bytes))", "not the \(repeatedDigest("f"))"]) {
            _ = try ManifestDocument(bytes: bytes, expected: expected)
        }
    }

    @Test("init(bytes:expected:) refuses a wrong size")
    func expectedWrongSize() {
        let bytes = jsonBytes(Self.index())
        let expected = Descriptor(mediaType: .ociIndex, digest: .of(bytes), size: Int64(bytes.count) + 1)
        expectXArchError(.digestMismatch, containing: ["is \(bytes.count) bytes", "not the announced \(bytes.count + 1)"]) {
            _ = try ManifestDocument(bytes: bytes, expected: expected)
        }
    }

    @Test("init(bytes:expected:) uses the expected media type to refuse a contradiction")
    func expectedTypeContradiction() {
        let bytes = jsonBytes(Self.index())
        expectXArchError(.invalidInput, containing: ["contradiction"]) {
            _ = try ManifestDocument(bytes: bytes, expected: Descriptor(mediaType: .ociManifest, bytes: bytes))
        }
    }

    @Test("a sha512 expected digest is checked with sha512")
    func sha512Expected() throws {
        let bytes = jsonBytes(Self.image())
        let expected = Descriptor(mediaType: .ociManifest, digest: .of(bytes, algorithm: .sha512), size: Int64(bytes.count))
        let document = try ManifestDocument(bytes: bytes, expected: expected)
        #expect(document.digest.algorithm == .sha512)
        #expect(document.digest == expected.digest)
        expectXArchError(.digestMismatch) {
            _ = try ManifestDocument(bytes: bytes, expected: Descriptor(
                mediaType: .ociManifest, digest: repeatedDigest("0", .sha512), size: Int64(bytes.count)))
        }
    }

    // MARK: Duplicate keys

    /// JSONSerialization (used to settle the type) keeps the last of two equal keys, JSONDecoder (used to
    /// decode) keeps the first. A document with two `mediaType` fields is therefore accepted as one type
    /// while its decoded `mediaType` says another: the parser differential CVE-2021-41190 is about.
    @Test("a document with duplicate mediaType fields is refused")
    func duplicateMediaType() {
        let json = #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)","mediaType":"\#(MediaType.ociManifest)","config":\#(J.config),"layers":[]}"#
        expectXArchError(.invalidInput, containing: ["ambiguous"]) {
            _ = try ManifestDocument(bytes: jsonBytes(json), declaredType: .ociManifest)
        }
    }

    @Test("a document with duplicate schemaVersion fields (1 then 2) is refused")
    func duplicateSchemaVersion() {
        let json = #"{"schemaVersion":1,"schemaVersion":2,"config":\#(J.config),"layers":[]}"#
        expectXArchError(.invalidInput, containing: ["ambiguous"]) {
            _ = try ManifestDocument(bytes: jsonBytes(json), declaredType: nil)
        }
    }
}
