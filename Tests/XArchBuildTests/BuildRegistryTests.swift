import Foundation
import Testing
import XArch
@testable import XArchBuild
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchRegistry
import XArchTestSupport

/// Builds pushed to the real registry of `scripts/test`, read back with skopeo, umoci and xarch's own
/// client; each platform's binary checked by its ELF header and run under `qemu-<arch>-static`.
@Suite("build against the real registry", .requiresEnvironment("XARCH_TEST_REGISTRY"))
struct BuildRegistryTests {
    /// `host:port` of the test registry.
    static func registry() throws -> String { try Integration.require("XARCH_TEST_REGISTRY") }

    static func unique(_ name: String) -> String { "xarch-tests/build-\(name)-\(UUID().uuidString.prefix(8).lowercased())" }

    static func build(_ dir: String, platforms: [String]?, tags: [String], output: String? = nil,
                      dockerfile: String? = nil) async throws -> BuildReport {
        var options = try BuildFixture.options(dir, platforms: platforms, output: output)
        options.destinations = try tags.map { try ImageReference(parsing: $0) }
        options.dockerfile = dockerfile
        return try await BuildFixture.withSession { session in try await ImageBuild.build(options, resolver: StoreResolver(session: session)) }
    }

    /// Extracts the single layer of `image` from the registry into a directory and returns it.
    static func extract(_ image: BuildReport.Image, repository: String, into dir: String) async throws -> String {
        let root = "\(dir)/\(image.platform.replacingOccurrences(of: "/", with: "-"))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try await BuildFixture.withSession { session in
            let client = session.repository(try ImageReference(parsing: repository))
            let manifest = try #require(try await client.manifest(.digest(try Digest(parsing: image.digest))).image)
            for layer in manifest.layers {
                let bytes = try await client.blob(layer).collect(limit: 64 << 20)
                try Data(bytes).write(to: URL(fileURLWithPath: "\(root)/layer.tar.gz"))
                try await Peer.run("tar", ["-xzf", "\(root)/layer.tar.gz", "-C", root])
            }
        }
        return root
    }

    @Test func helloPushedAndRunUnderQemu() async throws {
        let registry = try Self.registry()
        let repository = "\(registry)/\(Self.unique("hello"))"
        try await TestImages.withTemporaryDirectory("build-itest") { dir in
            let report = try await Self.build(BuildLayoutTests.hello, platforms: nil, tags: ["\(repository):v1"],
                                              output: "\(dir)/hello")
            #expect(report.images.count == 10)
            let raw = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(repository):v1"])
            #expect(Digest.of(Array(raw.utf8)).description == report.digest)
            for image in report.images {
                let root = try await Self.extract(image, repository: repository, into: dir)
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(root)/hello")))
                #expect(ELFCheck.machine(bytes) == ELFCheck.expectedMachine(image.platform), "\(image.platform)")
                let qemu = try #require(ELFCheck.qemu(image.platform), "\(image.platform)")
                // scripts/test installs qemu-user-static: under it, a missing emulator is a failure.
                #expect(Peer.isInstalled(qemu), "\(qemu) is not installed")
                guard Peer.isInstalled(qemu) else { continue }
                let out = try await Peer.run(qemu, Self.cpu(image.platform) + ["\(root)/hello"])
                #expect(out == "hello from \(image.platform)\n")
            }
        }
    }

    /// `-cpu` models of each platform's baseline (as examples/hello/verify.sh uses them).
    static func cpu(_ platform: String) -> [String] {
        let table = ["linux/arm/v7": "cortex-a7", "linux/arm/v6": "arm1176", "linux/arm/v5": "arm926",
                     "linux/mips64le": "MIPS64R2-generic", "linux/ppc64le": "power8"]
        return table[platform].map { ["-cpu", $0] } ?? []
    }

    @Test(.requiresEnvironment("XARCH_FIXTURES"))
    func busyboxForEightPlatformsReadByPeers() async throws {
        let registry = try Self.registry(), fixtures = try Integration.require("XARCH_FIXTURES")
        let arches = ["amd64": "amd64", "arm64": "arm64", "armhf": "armv7", "armel": "armv5", "i386": "386",
                      "ppc64el": "ppc64le", "s390x": "s390x", "mips64el": "mips64le"]
        let dir = try BuildFixture.context("""
            FROM scratch
            ARG TARGETARCH TARGETVARIANT
            COPY --chmod=755 bin/${TARGETARCH}${TARGETVARIANT}/busybox /bin/busybox
            ENTRYPOINT ["/bin/busybox"]
            CMD ["sh"]
            """)
        defer { TestImages.cleanup(dir) }
        for (debian, directory) in arches {
            try FileManager.default.createDirectory(atPath: "\(dir)/bin/\(directory)", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(fixtures)/busybox/\(debian)/busybox", toPath: "\(dir)/bin/\(directory)/busybox")
        }
        let platforms = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v5", "linux/386", "linux/ppc64le",
                         "linux/s390x", "linux/mips64le"]
        let repository = "\(registry)/\(Self.unique("busybox"))"
        try await TestImages.withTemporaryDirectory("build-itest") { out in
            let report = try await Self.build(dir, platforms: platforms, tags: ["\(repository):multi"], output: "\(out)/bb")
            #expect(report.images.map(\.platform) == platforms)
            let raw = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(repository):multi"])
            #expect(Digest.of(Array(raw.utf8)).description == report.digest)
            try await Peer.run("skopeo", ["copy", "--all", "--src-tls-verify=false", "docker://\(repository):multi", "oci:\(out)/copy:multi"])
            for image in report.images {
                let root = try await Self.extract(image, repository: repository, into: out)
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(root)/bin/busybox")))
                #expect(ELFCheck.machine(bytes) == ELFCheck.expectedMachine(image.platform), "\(image.platform)")
                // umoci reads each platform's image from the layout xarch wrote (tagged per platform
                // here, since umoci unpacks one manifest, not an index).
                let tag = image.platform.replacingOccurrences(of: "/", with: "-")
                let layout = try OCILayout.open(at: "\(out)/bb")
                let descriptor = try #require(try await layout.manifestDescriptor(.digest(try Digest(parsing: image.digest))))
                try layout.addToIndex(descriptor, tag: tag)
                try await Peer.run("umoci", ["unpack", "--rootless", "--image", "\(out)/bb:\(tag)", "\(out)/bundle-\(tag)"])
                let unpacked = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(out)/bundle-\(tag)/rootfs/bin/busybox")))
                #expect(unpacked == bytes)
            }
        }
    }

    @Test func aBaseWithoutATargetPlatformFailsAndPushesNothing() async throws {
        let registry = try Self.registry()
        let (base, dir) = try await Self.twoPlatformBase(registry, "linux/amd64", "linux/arm64")
        defer { TestImages.cleanup(dir) }
        let destination = "\(registry)/\(Self.unique("three"))"
        await #expect {
            _ = try await Self.build(dir, platforms: ["linux/amd64", "linux/arm64", "linux/s390x"], tags: ["\(destination):t"])
        } throws: { error in
            let message = (error as? XArchError)?.message ?? ""
            return message.contains("has no image for linux/s390x") && message.contains("linux/amd64, linux/arm64")
                && message.contains("line 1")
        }
        // The registry's access log: not one request of any kind reached the destination repository.
        if let log = Integration.value("XARCH_TEST_REGISTRY_LOG") {
            let repository = String(destination.split(separator: "/", maxSplits: 1)[1])
            let text = try String(contentsOfFile: log, encoding: .utf8)
            let baseRepository = String(base.split(separator: "/", maxSplits: 1)[1].split(separator: ":")[0])
            #expect(text.contains(" /v2/\(baseRepository)/manifests/"), "the log shows the base being read")
            let touched = text.split(separator: "\n").filter { $0.contains(" /v2/\(repository)/") }
            #expect(touched.isEmpty, "requests to \(repository): \(touched.prefix(3))")
        }
        try await BuildFixture.withSession { session in
            let client = session.repository(try ImageReference(parsing: destination))
            #expect(try await client.manifestDescriptor(.tag("t")) == nil)
            let tags = try? await client.tags()
            #expect(tags?.isEmpty ?? true)
        }
        // The two platforms it has build, on top of its layers. Pushed to the base's registry with no
        // --output, the base layers are mounted from the base's repository, never downloaded: sent are
        // the one new layer (the same on both platforms) and the two configs.
        let report = try await Self.build(dir, platforms: ["linux/amd64", "linux/arm64"], tags: ["\(destination):two"])
        #expect(report.images.map(\.layers) == [2, 2] && report.images.map(\.newLayers) == [1, 1])
        #expect(report.pushed.map(\.blobsMounted) == [2])
        #expect(report.pushed.map(\.blobsCopied) == [3])
        let raw = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(destination):two"])
        #expect(Digest.of(Array(raw.utf8)).description == report.digest)
    }

    /// A build on a base of one registry pushed to another, with no --output: the base layers stream
    /// from the base's registry to the destination (no mount across registries), and every blob arrives.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY2"))
    func baseLayersStreamAcrossRegistries() async throws {
        let registry = try Self.registry(), second = try Integration.require("XARCH_TEST_REGISTRY2")
        let (_, dir) = try await Self.twoPlatformBase(registry, "linux/arm64", "linux/s390x")
        defer { TestImages.cleanup(dir) }
        let destination = "\(second)/\(Self.unique("streamed")):1"
        let report = try await Self.build(dir, platforms: ["linux/arm64", "linux/s390x"], tags: [destination])
        #expect(report.pushed.map(\.blobsMounted) == [0])
        #expect(report.pushed.map(\.blobsCopied) == [5])
        try await TestImages.withTemporaryDirectory("build-itest") { out in
            // skopeo copies the whole image from the second registry: every blob is there and verified.
            try await Peer.run("skopeo", ["copy", "--all", "--src-tls-verify=false", "docker://\(destination)", "oci:\(out)/copy:1"])
            let raw = try await Peer.run("skopeo", ["inspect", "--raw", "oci:\(out)/copy:1"])
            #expect(Digest.of(Array(raw.utf8)).description == report.digest)
            let busybox = try await Self.extract(report.images[1], repository: String(destination.dropLast(2)), into: out)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(busybox)/bin/busybox")))
            #expect(ELFCheck.machine(bytes) == ELFCheck.expectedMachine("linux/s390x"))
        }
    }

    /// Pushes two platforms of the busybox fixture to a new repository of `registry` as a base image,
    /// and returns it with a context whose Dockerfile adds one file on top of it.
    static func twoPlatformBase(_ registry: String, _ first: String, _ second: String) async throws -> (String, String) {
        let base = "\(registry)/\(unique("base")):two"
        try await BuildFixture.withSession { session in
            _ = try await ImageCopy.copy(from: try ImageLocation(parsing: "\(registry)/fixtures/busybox:multi"),
                                         to: try ImageLocation(parsing: base), resolver: StoreResolver(session: session),
                                         options: CopyOptions(platforms: [try Platform(parsing: first), try Platform(parsing: second)]))
        }
        let dir = try BuildFixture.context("FROM \(base)\nCOPY hello.txt /etc/hello.txt\n", files: ["hello.txt": "hi"])
        return (base, dir)
    }
}
