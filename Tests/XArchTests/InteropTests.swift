import Foundation
import Testing
import XArch
import XArchLayout
import XArchModel
import XArchTestSupport

/// The fixtures `scripts/fixtures` built with the real peers, as described by `fixtures/manifest.json`.
struct PeerFixtures {
    struct Child { let digest: String; let platform: String }
    struct Tagged { let layout: String; let tag: String; let digest: String; let children: [Child] }

    let root: String
    let tagged: [Tagged]

    /// Loads the fixtures of `$XARCH_FIXTURES`.
    static func load() throws -> PeerFixtures {
        let root = try Integration.require("XARCH_FIXTURES")
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/manifest.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let layouts = try #require(json["layouts"] as? [String: [String: Any]])
        var tagged: [Tagged] = []
        for (_, layout) in layouts.sorted(by: { $0.key < $1.key }) {
            let path = root + "/" + (layout["path"] as? String ?? "")
            for (tag, info) in (layout["tags"] as? [String: [String: Any]] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let children = (info["manifests"] as? [[String: Any]] ?? []).map {
                    Child(digest: $0["digest"] as? String ?? "", platform: $0["platform"] as? String ?? "")
                }
                tagged.append(Tagged(layout: path, tag: tag, digest: info["digest"] as? String ?? "", children: children))
            }
        }
        return PeerFixtures(root: root, tagged: tagged)
    }
}

@Suite("interop with skopeo, umoci and buildah")
struct InteropTests {
    @Test(.requiresEnvironment("XARCH_FIXTURES"))
    func readsLayoutsWrittenByThePeers() async throws {
        let fixtures = try PeerFixtures.load()
        let writers = Set(fixtures.tagged.map { URL(fileURLWithPath: $0.layout).lastPathComponent })
        #expect(writers.isSuperset(of: ["umoci-busybox", "buildah-busybox"]))
        if Integration.registry != nil { #expect(writers.contains("skopeo-busybox")) }
        for item in fixtures.tagged {
            let (report, root) = try await Inspection.inspect(try ImageLocation(parsing: "oci:\(item.layout):\(item.tag)"), session: TestSession.shared)
            #expect(report.digest == item.digest, "\(item.layout):\(item.tag)")
            #expect(root.digest.description == item.digest)
            if item.children.isEmpty {
                #expect(report.kind == "image")
                continue
            }
            #expect(report.platforms?.map(\.digest) == item.children.map(\.digest))
            for child in item.children {
                let resolved = try await Resolution.resolve(try ImageLocation(parsing: "oci:\(item.layout):\(item.tag)"),
                                                            platform: try Platform(parsing: child.platform), strict: true)
                #expect(resolved.selected?.digest == child.digest, "\(child.platform) in \(item.layout)")
            }
        }
    }

    @Test(.requiresEnvironment("XARCH_FIXTURES"))
    func armHostsPickTheRightChildOfTheEightPlatformIndex() async throws {
        let multi = try #require(try PeerFixtures.load().tagged.first(where: { $0.tag == "multi" }))
        let location = try ImageLocation(parsing: "oci:\(multi.layout):multi")
        func pick(_ p: String) async throws -> String? {
            try await Resolution.resolve(location, platform: try Platform(parsing: p), strict: false, session: TestSession.shared).selected?.platform
        }
        #expect(try await pick("linux/arm/v6") == "linux/arm/v5")
        #expect(try await pick("aarch64") == "linux/arm64/v8")
        #expect(try await pick("linux/amd64/v3") == "linux/amd64")
        #expect(try await pick("linux/riscv64") == nil)
    }

    @Test(.requiresTools("skopeo", "umoci"))
    func peersReadALayoutWrittenByXArch() async throws {
        let dir = try TestImages.temporaryDirectory()
        defer { TestImages.cleanup(dir) }
        let demo = try await TestImages.demo(at: dir)
        let store = try OCILayout.open(at: dir)
        try store.addToIndex(demo.children[1], tag: "arm64")

        let raw = try await Peer.run("skopeo", ["inspect", "--raw", "oci:\(dir):demo"])
        #expect(Digest.of(Array(raw.utf8)) == demo.index.digest, "skopeo reads the exact index bytes")
        let arm = try await Peer.run("skopeo", ["inspect", "--override-arch", "arm64", "--override-os", "linux", "oci:\(dir):demo"])
        let armJSON = try #require(try JSONSerialization.jsonObject(with: Data(arm.utf8)) as? [String: Any])
        #expect(armJSON["Architecture"] as? String == "arm64")
        #expect(armJSON["Digest"] as? String == demo.index.digest.description, "skopeo names the index it read")
        let armManifest = try #require(try await store.manifest(.digest(demo.children[1].digest)).image)
        #expect(armJSON["Layers"] as? [String] == armManifest.layers.map(\.digest.description),
                "skopeo picked the arm64 child xarch wrote")

        let tags = try await Peer.run("umoci", ["ls", "--layout", dir]).split(separator: "\n").map(String.init)
        #expect(Set(tags) == ["demo", "arm64"])
        let bundle = dir + "-bundle"
        defer { TestImages.cleanup(bundle) }
        try await Peer.run("umoci", ["unpack", "--rootless", "--image", "\(dir):arm64", bundle])
        let text = try String(contentsOfFile: bundle + "/rootfs/etc/platform", encoding: .utf8)
        #expect(text == "layer for linux/arm64\n")
    }
}
