import Foundation
import Testing
import XArchTestSupport
@testable import XArchModel

/// `MediaType` classification (OCI image spec media-types.md, Docker image manifest v2 schema 2).
@Suite("MediaType")
struct MediaTypeTests {
    /// What one media type is, as a row of the classification table.
    struct Row: CustomTestStringConvertible, Sendable {
        var type: MediaType
        var index = false, image = false, layer = false, nonDistributable = false, schema1 = false
        var compression: LayerCompression? = nil
        var testDescription: String { type.rawValue }
    }

    static let table: [Row] = [
        Row(type: .ociIndex, index: true),
        Row(type: .dockerManifestList, index: true),
        Row(type: .ociManifest, image: true),
        Row(type: .dockerManifest, image: true),
        Row(type: .ociConfig),
        Row(type: .dockerConfig),
        Row(type: .ociLayout),
        Row(type: .ociEmpty),
        Row(type: .dockerPluginConfig),
        Row(type: .dockerSchema1, schema1: true),
        Row(type: .dockerSchema1Signed, schema1: true),
        Row(type: .ociLayer, layer: true, compression: LayerCompression.uncompressed),
        Row(type: .ociLayerGzip, layer: true, compression: .gzip),
        Row(type: .ociLayerZstd, layer: true, compression: .zstd),
        Row(type: .ociLayerNonDistributable, layer: true, nonDistributable: true, compression: LayerCompression.uncompressed),
        Row(type: .ociLayerNonDistributableGzip, layer: true, nonDistributable: true, compression: .gzip),
        Row(type: .ociLayerNonDistributableZstd, layer: true, nonDistributable: true, compression: .zstd),
        Row(type: .dockerLayer, layer: true, compression: LayerCompression.uncompressed),
        Row(type: .dockerLayerGzip, layer: true, compression: .gzip),
        Row(type: .dockerForeignLayer, layer: true, nonDistributable: true, compression: .gzip),
        Row(type: "application/vnd.in-toto+json"),
        Row(type: "application/vnd.cncf.helm.config.v1+json"),
        Row(type: "application/octet-stream"),
        Row(type: ""),
    ]

    @Test("uncompressed layers say so rather than nil")
    func uncompressedIsNotNil() {
        #expect(MediaType.ociLayer.layerCompression == .uncompressed)
        #expect(LayerCompression.uncompressed.rawValue == "none")
    }

    @Test("classification", arguments: table)
    func classification(row: Row) {
        let t = row.type
        #expect(t.isIndex == row.index)
        #expect(t.isImageManifest == row.image)
        #expect(t.isManifest == (row.index || row.image))
        #expect(t.isLayer == row.layer)
        #expect(t.isNonDistributable == row.nonDistributable)
        #expect(t.isSchema1 == row.schema1)
        #expect(t.layerCompression == row.compression)
    }

    @Test("constants carry the registered strings", arguments: [
        (MediaType.ociIndex, "application/vnd.oci.image.index.v1+json"),
        (.ociManifest, "application/vnd.oci.image.manifest.v1+json"),
        (.ociConfig, "application/vnd.oci.image.config.v1+json"),
        (.ociLayerGzip, "application/vnd.oci.image.layer.v1.tar+gzip"),
        (.dockerManifestList, "application/vnd.docker.distribution.manifest.list.v2+json"),
        (.dockerManifest, "application/vnd.docker.distribution.manifest.v2+json"),
        (.dockerConfig, "application/vnd.docker.container.image.v1+json"),
        (.dockerLayerGzip, "application/vnd.docker.image.rootfs.diff.tar.gzip"),
        (.dockerForeignLayer, "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"),
        (.dockerSchema1Signed, "application/vnd.docker.distribution.manifest.v1+prettyjws"),
    ])
    func constants(type: MediaType, text: String) {
        #expect(type.rawValue == text)
        #expect(type.description == text)
        #expect(type == MediaType(text))
        #expect(type == MediaType(rawValue: text))
    }

    @Test("manifestTypes lists every readable manifest type, indexes first")
    func manifestTypes() {
        #expect(MediaType.manifestTypes == [.ociIndex, .dockerManifestList, .ociManifest, .dockerManifest])
        let allManifests = MediaType.manifestTypes.allSatisfy { $0.isManifest }
        #expect(allManifests)
    }

    @Test("essence drops parameters and surrounding blanks", arguments: [
        ("application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.index.v1+json"),
        ("application/vnd.oci.image.index.v1+json; charset=utf-8", "application/vnd.oci.image.index.v1+json"),
        ("application/vnd.docker.distribution.manifest.v2+json ;q=0.5", "application/vnd.docker.distribution.manifest.v2+json"),
        ("application/json;", "application/json"),
        (";x=y", ""),
    ])
    func essence(text: String, expected: String) {
        #expect(MediaType(text).essence == MediaType(expected))
    }

    /// The classifiers compare the whole string; callers take `essence` first (as ManifestDocument does).
    @Test("classifiers look at the exact string, essence makes a parameterised type classify")
    func parametersNeedEssence() {
        let withParameter = MediaType("application/vnd.oci.image.index.v1+json; charset=utf-8")
        #expect(!withParameter.isIndex)
        #expect(withParameter.essence.isIndex)
    }

    @Test("unknown media types decode and round-trip unchanged", arguments: [
        "application/vnd.in-toto+json",
        "application/vnd.example.thing.v1+json; foo=\"bar\"",
        "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
        "text/plain",
    ])
    func unknownRoundTrip(text: String) throws {
        let json = try CanonicalJSON.encode(["mediaType": text])
        let decoded = try CanonicalJSON.decode([String: MediaType].self, from: json, what: "media type")
        #expect(decoded["mediaType"]?.rawValue == text)
        #expect(try CanonicalJSON.encode(decoded) == json)
    }

    @Test("an unknown media type inside a descriptor survives a round trip")
    func unknownInDescriptor() throws {
        let json = ModelJSON.descriptor("application/vnd.example.unknown+json", repeatedDigest("a"), size: 9)
        let descriptor = try CanonicalJSON.decode(Descriptor.self, from: jsonBytes(json), what: "descriptor")
        #expect(descriptor.mediaType == "application/vnd.example.unknown+json")
        #expect(!descriptor.mediaType.isManifest && !descriptor.mediaType.isLayer)
        let again = try CanonicalJSON.decode(Descriptor.self, from: try CanonicalJSON.encode(descriptor), what: "descriptor")
        #expect(again == descriptor)
    }

    @Test("a media type that is not a string is refused")
    func notAString() {
        expectXArchError(.invalidInput, containing: ["mediaType should be a string"]) {
            _ = try CanonicalJSON.decode(Descriptor.self, from: jsonBytes(#"{"mediaType":1,"digest":"x","size":1}"#),
                                         what: "descriptor")
        }
    }
}
