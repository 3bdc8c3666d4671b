import Foundation
import Testing
import XArchTestSupport
@testable import XArchModel

/// `ImageConfig` and `ContainerConfig`: every field of OCI config.md (and Docker's additions) decodes
/// to the expected value.
@Suite("ImageConfig")
struct ImageConfigTests {
    static let diffA = repeatedDigest("a"), diffB = repeatedDigest("b")

    static let full = #"""
    {
      "created": "2024-01-02T03:04:05.123456789Z",
      "author": "xarch tests <tests@example.com>",
      "architecture": "arm",
      "variant": "v7",
      "os": "windows",
      "os.version": "10.0.20348.2227",
      "os.features": ["win32k"],
      "config": {
        "User": "app:app",
        "ExposedPorts": {"80/tcp": {}, "53/udp": {}},
        "Env": ["PATH=/usr/bin", "A=b=c"],
        "Entrypoint": ["/entry.sh", "--flag"],
        "Cmd": ["serve"],
        "Volumes": {"/data": {}, "/cache": {}},
        "WorkingDir": "/srv",
        "Labels": {"org.opencontainers.image.title": "t", "empty": ""},
        "StopSignal": "SIGTERM",
        "ArgsEscaped": true,
        "Healthcheck": {
          "Test": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
          "Interval": 30000000000,
          "Timeout": 5000000000,
          "StartPeriod": 60000000000,
          "StartInterval": 2000000000,
          "Retries": 3
        },
        "Shell": ["powershell", "-Command"],
        "OnBuild": ["RUN echo child", "COPY . /app"]
      },
      "rootfs": {"type": "layers", "diff_ids": ["\#(diffA)", "\#(diffB)"]},
      "history": [
        {"created": "2024-01-01T00:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:abc in /", "comment": "base"},
        {"created": "2024-01-01T00:00:01Z", "created_by": "/bin/sh -c #(nop)  CMD [\"serve\"]", "author": "me", "empty_layer": true},
        {"created_by": "RUN make", "empty_layer": false}
      ]
    }
    """#

    @Test("every field decodes to the expected value")
    func everyField() throws {
        let c = try CanonicalJSON.decode(ImageConfig.self, from: jsonBytes(Self.full), what: "image config")
        #expect(c.created == "2024-01-02T03:04:05.123456789Z")
        #expect(c.author == "xarch tests <tests@example.com>")
        #expect(c.architecture == "arm")
        #expect(c.variant == "v7")
        #expect(c.os == "windows")
        #expect(c.osVersion == "10.0.20348.2227")
        #expect(c.osFeatures == ["win32k"])
        #expect(c.platform == Platform(os: "windows", architecture: "arm", variant: "v7",
                                       osVersion: "10.0.20348.2227", osFeatures: ["win32k"]))
        #expect(c.unknownFields.isEmpty)

        let cc = try #require(c.config)
        #expect(cc.user == "app:app")
        #expect(cc.exposedPorts == ["80/tcp": .object([:]), "53/udp": .object([:])])
        #expect(cc.env == ["PATH=/usr/bin", "A=b=c"])
        #expect(cc.entrypoint == ["/entry.sh", "--flag"])
        #expect(cc.cmd == ["serve"])
        #expect(cc.volumes == ["/data": .object([:]), "/cache": .object([:])])
        #expect(cc.workingDir == "/srv")
        #expect(cc.labels == ["org.opencontainers.image.title": "t", "empty": ""])
        #expect(cc.stopSignal == "SIGTERM")
        #expect(cc.argsEscaped == true)
        #expect(cc.shell == ["powershell", "-Command"])
        #expect(cc.onBuild == ["RUN echo child", "COPY . /app"])
        #expect(cc.unknownFields.isEmpty)

        let h = try #require(cc.healthcheck)
        #expect(h.test == ["CMD-SHELL", "curl -f http://localhost/ || exit 1"])
        #expect(h.interval == 30_000_000_000)
        #expect(h.timeout == 5_000_000_000)
        #expect(h.startPeriod == 60_000_000_000)
        #expect(h.startInterval == 2_000_000_000)
        #expect(h.retries == 3)

        #expect(c.rootfs.type == "layers")
        #expect(c.rootfs.diffIDs == [Self.diffA, Self.diffB])

        let history = try #require(c.history)
        #expect(history.count == 3)
        #expect(history[0] == ImageConfig.History(created: "2024-01-01T00:00:00Z",
                                                  createdBy: "/bin/sh -c #(nop) ADD file:abc in /", comment: "base"))
        #expect(history[1].author == "me")
        #expect(history[1].emptyLayer == true)
        #expect(history[1].createdBy == #"/bin/sh -c #(nop)  CMD ["serve"]"#)
        #expect(history[2].emptyLayer == false)
        #expect(history[2].created == nil)
        // Layers are the history entries that are not empty, one per diff ID.
        #expect(history.filter { $0.emptyLayer != true }.count == c.rootfs.diffIDs.count)
    }

    @Test("every field survives a canonical round trip")
    func roundTrip() throws {
        let c = try CanonicalJSON.decode(ImageConfig.self, from: jsonBytes(Self.full), what: "image config")
        let encoded = try CanonicalJSON.encode(c)
        #expect(try CanonicalJSON.decode(ImageConfig.self, from: encoded, what: "image config") == c)
        let text = String(decoding: encoded, as: UTF8.self)
        for key in ["\"os.version\"", "\"os.features\"", "\"diff_ids\"", "\"created_by\"", "\"empty_layer\"",
                    "\"StartInterval\"", "\"OnBuild\"", "\"ExposedPorts\"", "\"ArgsEscaped\""] {
            #expect(text.contains(key), "encoded config lacks \(key)")
        }
    }

    @Test("a minimal config decodes with defaults")
    func minimal() throws {
        let c = try CanonicalJSON.decode(ImageConfig.self, from: jsonBytes("{}"), what: "image config")
        #expect(c.architecture == "" && c.os == "")
        #expect(c.config == nil && c.history == nil && c.variant == nil)
        #expect(c.rootfs == ImageConfig.RootFS(diffIDs: []))
        #expect(c.rootfs.type == "layers")
        #expect(c.platform == Platform(os: "", architecture: ""))
    }

    @Test("null config and empty objects decode")
    func nulls() throws {
        let json = #"{"architecture":"amd64","os":"linux","config":null,"rootfs":{"type":"layers"}}"#
        let c = try CanonicalJSON.decode(ImageConfig.self, from: jsonBytes(json), what: "image config")
        #expect(c.config == nil)
        #expect(c.rootfs.diffIDs.isEmpty)
    }

    @Test("an invalid diff ID is refused with a readable message")
    func invalidDiffID() {
        let json = #"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:nothex"]}}"#
        expectXArchError(.invalidInput, containing: ["image config is not valid", "invalid digest"]) {
            _ = try CanonicalJSON.decode(ImageConfig.self, from: jsonBytes(json), what: "image config")
        }
    }

    @Test("a wrongly typed field names its path", arguments: [
        (#"{"config":{"Env":"PATH=/bin"}}"#, "config.Env should be an array"),
        (#"{"config":{"Healthcheck":{"Interval":"30s"}}}"#, "config.Healthcheck.Interval should be a number"),
        (#"{"config":{"ArgsEscaped":"yes"}}"#, "config.ArgsEscaped should be true or false"),
        (#"{"architecture":5}"#, "architecture should be a string"),
    ])
    func typeMismatch(json: String, fragment: String) {
        expectXArchError(.invalidInput, containing: [fragment]) {
            _ = try CanonicalJSON.decode(ImageConfig.self, from: jsonBytes(json), what: "image config")
        }
    }

    @Test("a config built in code encodes only what is set")
    func builtInCode() throws {
        let config = ImageConfig(architecture: "arm64", os: "linux", variant: "v8",
                                 config: ContainerConfig(cmd: ["sh"], healthcheck: .init(test: ["NONE"])),
                                 rootfs: .init(diffIDs: [Self.diffA]),
                                 history: [.init(createdBy: "x", emptyLayer: true)])
        #expect(String(decoding: try CanonicalJSON.encode(config), as: UTF8.self) ==
            #"{"architecture":"arm64","config":{"Cmd":["sh"],"Healthcheck":{"Test":["NONE"]}},"history":[{"created_by":"x","empty_layer":true}],"os":"linux","rootfs":{"diff_ids":["\#(Self.diffA)"],"type":"layers"},"variant":"v8"}"#)
    }
}
