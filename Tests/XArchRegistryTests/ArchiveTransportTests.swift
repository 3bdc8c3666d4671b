import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchRegistry
import XArchTestSupport

/// `oci-archive:` and `docker-archive:` against the real registries of `scripts/test`, with skopeo as
/// the oracle both ways.
@Suite("archive transports against real registries")
struct ArchiveTransportTests {
    static let fixture = "\(BusyboxFixture.repository):\(BusyboxFixture.tag)"

    /// Registry → oci-archive → second registry keeps every digest; skopeo reads the archive xarch wrote
    /// and finds the same index.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY2"), .requiresTools("skopeo"))
    func ociArchiveRoundTripKeepsEveryDigest() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let second = try Integration.require("XARCH_TEST_REGISTRY2")
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            try await IT.withSession { session in
                let (index, children) = try await BusyboxFixture.read(registry, session: session)
                let archive = "\(dir)/busybox.tar"
                let down = try await IT.copy("\(registry)/\(Self.fixture)", "oci-archive:\(archive):multi", session: session)
                #expect(down.destinationDigest == index.digest.description)
                #expect(try Self.names(in: dir) == ["busybox.tar"], "no staging directory or temporary file is left")
                #expect(try await Skopeo.digest("oci-archive:\(archive):multi") == index.digest)
                // skopeo reads every blob of it.
                let repository = IT.unique("from-archive")
                try await Skopeo.copyAll("oci-archive:\(archive):multi", "docker://\(second)/\(repository):skopeo")
                #expect(try await Skopeo.digest("docker://\(second)/\(repository):skopeo") == index.digest)
                // And xarch copies it on to a registry with every digest kept.
                let up = try await IT.copy("oci-archive:\(archive):multi", "\(second)/\(repository):xarch", session: session)
                #expect(up.destinationDigest == index.digest.description)
                for child in children {
                    #expect(try await Skopeo.digest("docker://\(second)/\(repository)@\(child.descriptor.digest)") == child.descriptor.digest)
                }
                #expect(Set(up.platforms) == Set(children.compactMap { $0.descriptor.platform?.formatted }))
            }
        }
    }

    /// xarch reads what `skopeo copy … oci-archive:` wrote: inspect, resolve and a copy to a layout.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"), .requiresTools("skopeo"))
    func readsAnOCIArchiveSkopeoWrote() async throws {
        try await Self.withFixture { (registry: String, dir: String, session: RegistrySession, index: ManifestDocument, children: [BusyboxFixture.Child]) async throws in
            do {
                let archive = "\(dir)/skopeo.tar"
                try await Peer.run("skopeo", ["copy", "--all", "--preserve-digests", "--quiet", "--src-tls-verify=false",
                                              "docker://\(registry)/\(Self.fixture)", "oci-archive:\(archive):multi"])
                let resolver = StoreResolver(session: session)
                let (report, root) = try await Inspection.inspect(try ImageLocation(parsing: "oci-archive:\(archive):multi"), resolver: resolver)
                #expect(root.digest == index.digest)
                #expect(report.platforms?.map(\.digest) == children.map(\.descriptor.digest.description))
                let untagged = try await Inspection.inspect(try ImageLocation(parsing: "oci-archive:\(archive)"), resolver: resolver)
                #expect(untagged.1.digest == index.digest, "the archive's only image, without a tag")
                let arm = try #require(children.first { $0.descriptor.platform?.architecture == "arm64" })
                let resolved = try await Resolution.resolve(try ImageLocation(parsing: "oci-archive:\(archive):multi"),
                                                            platform: try Platform(parsing: "linux/arm64"), strict: false, session: session)
                #expect(resolved.selected?.digest == arm.descriptor.digest.description)
                let copied = try await IT.copy("oci-archive:\(archive):multi", "oci:\(dir)/layout:multi", session: session)
                #expect(copied.destinationDigest == index.digest.description)
                #expect(copied.blobs.copied == BusyboxFixture.blobs(children).count)
            }
        }
    }

    /// A docker-archive holds one platform: xarch picks it from the index as `resolve` does (by
    /// --platform here), says so, and skopeo reads the archive: the architecture, the config and every
    /// layer digest of the chosen image. xarch reads its own archive back to the same image.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"), .requiresTools("skopeo"))
    func dockerArchiveHoldsTheChosenPlatform() async throws {
        try await Self.withFixture { (registry: String, dir: String, session: RegistrySession, _: ManifestDocument, children: [BusyboxFixture.Child]) async throws in
            do {
                let arm = try #require(children.first { $0.descriptor.platform?.architecture == "arm64" })
                let archive = "\(dir)/arm64.tar"
                let report = try await IT.copy("\(registry)/\(Self.fixture)", "docker-archive:\(archive):localhost/busybox:arm64",
                                               session: session, options: CopyOptions(platforms: [try Platform(parsing: "linux/arm64")]))
                #expect(report.destinationDigest == arm.descriptor.digest.description)
                let note = try #require(report.notes?.first)
                #expect(note.contains("linux/arm64") && note.contains("holds one platform"), "\(note)")
                #expect(try Self.names(in: dir) == ["arm64.tar"])

                let back = try StoreResolver(session: session).open(try ImageLocation(parsing: "docker-archive:\(archive)"))
                let image = try #require(try await back.root().image)
                #expect(image.config.digest == arm.manifest.config.digest)
                #expect(image.layers.map(\.digest) == arm.manifest.layers.map(\.digest))
                let config = try await back.config(of: image)

                // skopeo names a docker-archive's layers by their diff IDs (it decompresses them).
                let inspected = try JSONSerialization.jsonObject(with: Data(try await Peer.run("skopeo", ["inspect", "docker-archive:\(archive)"]).utf8)) as? [String: Any]
                #expect(inspected?["Architecture"] as? String == "arm64")
                #expect(inspected?["Layers"] as? [String] == config.rootfs.diffIDs.map(\.description))
                // skopeo finds the image by the name in RepoTags.
                #expect(try await Skopeo.digest("docker-archive:\(archive):localhost/busybox:arm64", ["--config"]) == arm.manifest.config.digest)
                #expect(try await Skopeo.digest("docker-archive:\(archive)", ["--config"]) == arm.manifest.config.digest)

                // No --platform: the host's, named in the note.
                let host = try await IT.copy("\(registry)/\(Self.fixture)", "docker-archive:\(dir)/host.tar", session: session)
                #expect(host.notes?.first?.contains("the host platform") == true, "\(host.notes ?? [])")
            }
        }
    }

    /// xarch reads the docker-archive skopeo writes (plain tar layers, `manifest.json`, `repositories`)
    /// and copies it on: the config digest is the registry image's, the layers the config's diff IDs.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"), .requiresTools("skopeo"))
    func readsADockerArchiveSkopeoWrote() async throws {
        try await Self.withFixture { (registry: String, dir: String, session: RegistrySession, _: ManifestDocument, children: [BusyboxFixture.Child]) async throws in
            do {
                let child = try #require(children.first)
                let archive = "\(dir)/skopeo.tar"
                try await Peer.run("skopeo", ["copy", "--quiet", "--src-tls-verify=false",
                                              "docker://\(registry)/\(BusyboxFixture.repository)@\(child.descriptor.digest)",
                                              "docker-archive:\(archive):example.com/busybox:saved"])
                let report = try await IT.copy("docker-archive:\(archive):example.com/busybox:saved", "oci:\(dir)/layout:saved", session: session)
                let layout = try OCILayout.open(at: "\(dir)/layout")
                let image = try #require(try await layout.manifest(.tag("saved")).image)
                #expect(image.config.digest == child.manifest.config.digest)
                #expect(report.platforms == [child.descriptor.platform?.formatted ?? ""])
                let config = try await OpenedImage(source: layout, reference: .tag("saved")).config(of: image)
                #expect(image.layers.map(\.digest) == config.rootfs.diffIDs)
                await #expect(throws: XArchError.self) {
                    _ = try await IT.copy("docker-archive:\(archive):example.com/busybox:other", "oci:\(dir)/none:x", session: session)
                }
            }
        }
    }

    /// Runs `body` with the main registry, a temporary directory, a session and the busybox fixture.
    static func withFixture(_ body: (String, String, RegistrySession, ManifestDocument, [BusyboxFixture.Child]) async throws -> Void) async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        try await TestImages.withTemporaryDirectory { (dir: String) async throws in
            try await IT.withSession { session in
                let (index, children) = try await BusyboxFixture.read(registry, session: session)
                try await body(registry, dir, session, index, children)
            }
        }
    }

    static func names(in dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }
}
