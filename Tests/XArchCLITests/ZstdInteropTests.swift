import Foundation
import Testing
import XArchCLI
import XArchTestSupport

/// The zstd images `xarch build --compression zstd` writes, read by the peers and by xarch itself:
/// skopeo copies them (layout → layout, layout → registry) without changing a digest, `xarch verify`
/// and `xarch test` read their layers; umoci 0.4 refuses `tar+zstd` layers, which is checked and said.
@Suite("zstd images and the peers")
struct ZstdInteropTests {
    /// The hello example built with zstd layers into a fresh layout; returns the layout and the index digest.
    static func build(_ dir: String, platforms: String) async throws -> (layout: String, digest: String) {
        let layout = "\(dir)/zstd-\(UUID().uuidString)"
        let r = await CLIRun.run("build", BuildCommandTests.hello, "--platform", platforms, "--compression", "zstd",
                                 "--output", "oci:\(layout):v1", "--format", "json")
        #expect(r.code == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return (layout, try #require(report?["digest"] as? String))
    }

    /// umoci's version (`umoci version 0.4.7+ds-3+b7` → [0, 4, 7]).
    static func umociVersion() async -> [Int] {
        let text = (try? await Peer.run("umoci", ["--version"])) ?? ""
        let number = text.split(separator: " ").last.map { $0.prefix { $0.isNumber || $0 == "." } } ?? ""
        return number.split(separator: ".").compactMap { Int($0) }
    }

    /// umoci unpacks `tar+zstd` layers from 0.5 on; 0.4.x (Debian bookworm's 0.4.7) only knows gzip and plain tar.
    static func umociReadsZstd() async -> Bool { await umociVersion().lexicographicallyPrecedes([0, 5]) == false }

    @Test(.requiresTools("skopeo"))
    func skopeoCopiesItAndXArchVerifiesAndTestsIt() async throws {
        try await TestImages.withTemporaryDirectory("zstd-interop") { dir in
            let built = try await Self.build(dir, platforms: "linux/amd64,linux/arm64")
            try await Peer.run("skopeo", ["copy", "--all", "--preserve-digests", "oci:\(built.layout):v1", "oci:\(dir)/copy:v1"])
            let index = try String(contentsOfFile: "\(dir)/copy/index.json", encoding: .utf8)
            #expect(index.contains(built.digest), "skopeo changed the index: \(index)")
            let layers = try await ProcessRun.shell("grep -rho 'application/vnd.oci.image.layer.v1.tar+[a-z]*' '\(dir)/copy/blobs' | sort | uniq -c")
            #expect(layers.stdout.trimmingCharacters(in: .whitespaces) == "2 application/vnd.oci.image.layer.v1.tar+zstd\n")
            let verify = await CLIRun.run("verify", "oci:\(dir)/copy:v1", "--require", "linux/amd64,linux/arm64")
            #expect(verify.code == 0, "\(verify.stdout)\(verify.stderr)")
            let test = await CLIRun.run("test", "oci:\(dir)/copy:v1", "--platform", "linux/amd64", "--format", "json")
            #expect(test.code == 0 && test.stdout.contains("\"passed\" : 1") && test.stdout.contains("hello from linux/amd64"),
                    "\(test.stdout)\(test.stderr)")
        }
    }

    @Test(.requiresTools("skopeo"), .requiresEnvironment("XARCH_TEST_REGISTRY"))
    func skopeoPushesItToARegistryAndXArchVerifiesItThere() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        try await TestImages.withTemporaryDirectory("zstd-push") { dir in
            let built = try await Self.build(dir, platforms: "linux/amd64,linux/arm64,linux/riscv64")
            let reference = "\(registry)/zstd/hello:\(UUID().uuidString.prefix(8).lowercased())"
            try await Peer.run("skopeo", ["copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                                          "oci:\(built.layout):v1", "docker://\(reference)"])
            let raw = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(reference)"])
            #expect(raw.contains("application/vnd.oci.image.index.v1+json"))
            let inspect = await CLIRun.run("inspect", reference, "--format", "json")
            #expect(inspect.stdout.contains(built.digest), "\(inspect.stderr)")
            let verify = await CLIRun.run("verify", reference, "--require", "linux/amd64,linux/arm64,linux/riscv64")
            #expect(verify.code == 0, "\(verify.stdout)\(verify.stderr)")
        }
    }

    @Test(.requiresTools("umoci"), .enabled("needs umoci 0.5 or later: umoci 0.4 refuses tar+zstd layers (blob is not correct mediatype), as umociBefore05RefusesTheMediaTypeOnly checks") { await umociReadsZstd() })
    func umociUnpacksIt() async throws {
        try await TestImages.withTemporaryDirectory("zstd-umoci") { dir in
            let built = try await Self.build(dir, platforms: "linux/amd64")
            try await Peer.run("umoci", ["unpack", "--rootless", "--image", "\(built.layout):v1", "\(dir)/bundle"])
            #expect(FileManager.default.isExecutableFile(atPath: "\(dir)/bundle/rootfs/hello"))
        }
    }

    /// Why `umociUnpacksIt` is skipped here: umoci 0.4 refuses the media type itself (not our bytes) —
    /// it unpacks the gzip build of the same Dockerfile, and names `tar+zstd` when it refuses.
    @Test(.requiresTools("umoci"), .disabled("umoci here reads tar+zstd (umociUnpacksIt runs)") { await umociReadsZstd() })
    func umociBefore05RefusesTheMediaTypeOnly() async throws {
        try await TestImages.withTemporaryDirectory("zstd-umoci") { dir in
            let built = try await Self.build(dir, platforms: "linux/amd64")
            let refused = try await ProcessRun.run(URL(fileURLWithPath: "/usr/bin/env"),
                                                   ["umoci", "unpack", "--rootless", "--image", "\(built.layout):v1", "\(dir)/z"])
            #expect(refused.code != 0 && refused.stderr.contains("blob is not correct mediatype: application/vnd.oci.image.layer.v1.tar+zstd"),
                    "\(refused.stderr)")
            let gzip = await CLIRun.run("build", BuildCommandTests.hello, "--platform", "linux/amd64", "--output", "oci:\(dir)/gz:v1")
            #expect(gzip.code == 0, "\(gzip.stderr)")
            try await Peer.run("umoci", ["unpack", "--rootless", "--image", "\(dir)/gz:v1", "\(dir)/bundle"])
            #expect(FileManager.default.isExecutableFile(atPath: "\(dir)/bundle/rootfs/hello"))
        }
    }
}
