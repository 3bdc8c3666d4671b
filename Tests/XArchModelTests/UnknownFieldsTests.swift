import Foundation
import Testing
@testable import XArchModel

/// Fields xarch does not model survive decode → CanonicalJSON.encode → decode, at every level that keeps
/// them: a document xarch reads and writes back keeps every field it does not model, so re-encoding
/// never drops what another tool or a newer specification put there.
@Suite("Unknown fields")
struct UnknownFieldsTests {
    /// Every kind of JSON value, nested, as an unknown field's value.
    static let odd = #"{"s":"x/y\"z é","i":-42,"big":9007199254740993,"f":1.5,"t":true,"n":null,"a":[1,"two",[],{}],"o":{"k":{"deep":[false]}}}"#

    static func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ json: String) throws -> (first: T, again: T) {
        let first = try CanonicalJSON.decode(T.self, from: jsonBytes(json), what: "\(T.self)")
        let encoded = try CanonicalJSON.encode(first)
        let again = try CanonicalJSON.decode(T.self, from: encoded, what: "\(T.self)")
        #expect(try CanonicalJSON.encode(again) == encoded, "canonical encoding is stable")
        return (first, again)
    }

    static var oddValue: JSONValue {
        get throws { try CanonicalJSON.decode(JSONValue.self, from: jsonBytes(odd), what: "value") }
    }

    @Test("JSONValue decodes every kind of value")
    func jsonValueKinds() throws {
        let value = try Self.oddValue
        guard case .object(let o) = value else { Issue.record("not an object: \(value)"); return }
        #expect(o["s"] == .string("x/y\"z é"))
        #expect(o["i"] == .integer(-42))
        #expect(o["big"] == .integer(9_007_199_254_740_993))  // beyond Double's exact integers: kept exact
        #expect(o["f"] == .number(1.5))
        #expect(o["t"] == .bool(true))
        #expect(o["n"] == .null)
        #expect(o["a"] == .array([.integer(1), .string("two"), .array([]), .object([:])]))
        #expect(o["o"] == .object(["k": .object(["deep": .array([.bool(false)])])]))
    }

    @Test("booleans and 0/1 stay apart", arguments: [("true", JSONValue.bool(true)), ("0", .integer(0)), ("1", .integer(1)), ("false", .bool(false))])
    func boolsAndNumbers(text: String, expected: JSONValue) throws {
        #expect(try CanonicalJSON.decode([JSONValue].self, from: jsonBytes("[\(text)]"), what: "v") == [expected])
    }

    @Test("CanonicalJSON sorts keys, does not escape slashes and adds no whitespace")
    func canonicalForm() throws {
        let value: JSONValue = .object(["b": .string("a/b"), "a": .array([.integer(1), .null]), "C": .bool(false)])
        #expect(String(decoding: try CanonicalJSON.encode(value), as: UTF8.self) == #"{"C":false,"a":[1,null],"b":"a/b"}"#)
        #expect(try CanonicalJSON.pretty(value).contains("\n"))
    }

    @Test("unknown fields of an index survive at the top level and in descriptors")
    func index() throws {
        let entry = ModelJSON.descriptor(.ociManifest, repeatedDigest("a"), extra: [
            #""platform":{"architecture":"arm64","os":"linux","variant":"v8","os.features":["x"],"features":["f"],"vendor.platform.extra":"dropped"}"#,
            #""annotations":{"k":"v"}"#, #""urls":["https://example.com/x"]"#, #""data":"e30=""#,
            #""artifactType":"application/vnd.example+json""#,
            #""x-descriptor":\#(Self.odd)"#,
        ].joined(separator: ","))
        let subject = ModelJSON.descriptor(.ociManifest, repeatedDigest("b"), extra: #""x-subject":[1,2]"#)
        let json = #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)","artifactType":"application/vnd.example.set","manifests":[\#(entry)],"subject":\#(subject),"annotations":{"a":"b"},"x-top":\#(Self.odd),"x-null":null}"#
        let (first, again) = try Self.roundTrip(ImageIndex.self, json)
        #expect(first == again)
        #expect(again.unknownFields == ["x-top": try Self.oddValue, "x-null": .null])
        let d = try #require(again.manifests.first)
        #expect(d.unknownFields == ["x-descriptor": try Self.oddValue])
        #expect(again.subject?.unknownFields == ["x-subject": .array([.integer(1), .integer(2)])])
        #expect(d.urls == ["https://example.com/x"])
        #expect(d.data == "e30=")
        #expect(d.artifactType == "application/vnd.example+json")
        #expect(again.artifactType == "application/vnd.example.set")
        // Platform models every field of the spec and does not keep others; it still decodes.
        #expect(d.platform == Platform(os: "linux", architecture: "arm64", variant: "v8", osFeatures: ["x"], features: ["f"]))
    }

    @Test("unknown fields of an image manifest survive in config, layers, subject and the top level")
    func imageManifest() throws {
        let config = ModelJSON.descriptor(.ociConfig, repeatedDigest("c"), extra: #""x-config":{"z":1}"#)
        let layer = ModelJSON.descriptor(.ociLayerZstd, repeatedDigest("d"), extra: #""x-layer":"L""#)
        let subject = ModelJSON.descriptor(.ociManifest, repeatedDigest("e"), extra: #""x-subject":true"#)
        let json = #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociManifest)","artifactType":"application/vnd.example","config":\#(config),"layers":[\#(layer)],"subject":\#(subject),"x-top":\#(Self.odd)}"#
        let (first, again) = try Self.roundTrip(ImageManifest.self, json)
        #expect(first == again)
        #expect(again.unknownFields == ["x-top": try Self.oddValue])
        #expect(again.config.unknownFields == ["x-config": .object(["z": .integer(1)])])
        #expect(again.layers.first?.unknownFields == ["x-layer": .string("L")])
        #expect(again.subject?.unknownFields == ["x-subject": .bool(true)])
        #expect(again.artifactType == "application/vnd.example")
    }

    @Test("a lone descriptor keeps unknown fields")
    func descriptor() throws {
        let json = ModelJSON.descriptor(.ociLayer, repeatedDigest("f"), size: 12, extra: #""x":\#(Self.odd),"y":[]"#)
        let (first, again) = try Self.roundTrip(Descriptor.self, json)
        #expect(first == again)
        #expect(again.unknownFields == ["x": try Self.oddValue, "y": .array([])])
        #expect(again.size == 12)
    }

    @Test("an image config keeps unknown fields at the top level and in config")
    func imageConfig() throws {
        let json = #"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"User":"1000","Hostname":"h","Domainname":"","AttachStdin":false,"Tty":true,"Image":"sha256:x","x-odd":\#(Self.odd)},"x-top":\#(Self.odd)}"#
        let (first, again) = try Self.roundTrip(ImageConfig.self, json)
        #expect(first == again)
        #expect(again.unknownFields == ["x-top": try Self.oddValue])
        let config = try #require(again.config)
        #expect(config.user == "1000")
        #expect(config.unknownFields == [
            "Hostname": .string("h"), "Domainname": .string(""), "AttachStdin": .bool(false), "Tty": .bool(true),
            "Image": .string("sha256:x"), "x-odd": try Self.oddValue,
        ])
    }

    @Test("Docker's container, docker_version and container_config survive")
    func dockerConfigFields() throws {
        let json = ##"{"architecture":"amd64","os":"linux","container":"b89fe92a887d","docker_version":"20.10.12","container_config":{"Hostname":"b89fe92a887d","Cmd":["/bin/sh","-c","#(nop) "],"ArgsEscaped":true},"rootfs":{"type":"layers","diff_ids":[]}}"##
        let (_, again) = try Self.roundTrip(ImageConfig.self, json)
        #expect(again.unknownFields["container"] == .string("b89fe92a887d"))
        #expect(again.unknownFields["docker_version"] == .string("20.10.12"))
        #expect(again.unknownFields["container_config"] == .object([
            "Hostname": .string("b89fe92a887d"),
            "Cmd": .array([.string("/bin/sh"), .string("-c"), .string("#(nop) ")]),
            "ArgsEscaped": .bool(true),
        ]))
        #expect(again.unknownFields.count == 3)
    }

    @Test("values set in code and unknown fields are written side by side")
    func encodeMixed() throws {
        let index = ImageIndex(manifests: [], unknownFields: ["zz": .integer(1), "aa": .string("x")])
        #expect(String(decoding: try CanonicalJSON.encode(index), as: UTF8.self)
            == #"{"aa":"x","manifests":[],"mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2,"zz":1}"#)
    }

    /// `ImageConfig.History`, `ImageConfig.RootFS` and `ContainerConfig.Healthcheck` keep the fields they
    /// do not model too, as ImageConfig's doc comment promises for the whole config: unknown fields
    /// survive a round trip at every level.
    @Test("unknown fields in history, rootfs and Healthcheck survive", arguments: [
        #"{"history":[{"created_by":"x","x-history":1}]}"#,
        #"{"rootfs":{"type":"layers","diff_ids":[],"base_layer":"sha256:x"}}"#,
        #"{"config":{"Healthcheck":{"Test":["NONE"],"x-health":1}}}"#,
    ])
    func nestedUnknownFields(json: String) throws {
        let bytes = jsonBytes(json)
        let config = try CanonicalJSON.decode(ImageConfig.self, from: bytes, what: "image config")
        let original = try CanonicalJSON.decode(JSONValue.self, from: bytes, what: "json")
        let encoded = try CanonicalJSON.decode(JSONValue.self, from: try CanonicalJSON.encode(config), what: "json")
        guard case .object(let before) = original, case .object(let after) = encoded else {
            Issue.record("not objects"); return
        }
        let key = try #require(before.keys.first)
        #expect(after[key] == before[key])
    }
}
