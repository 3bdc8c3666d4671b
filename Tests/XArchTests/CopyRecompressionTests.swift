import Foundation
import Testing
import XArch
import XArchArchive
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchTestSupport

/// `xarch copy --compression`: layers re-encoded, diff IDs kept, manifests and indexes rewritten only
/// where they must change, the same digests on every run, and peers reading the result.
@Suite("copy with recompression", .serialized)
struct CopyRecompressionTests {
    static let zstd = LayerEncoding(.zstd)

    /// Every image manifest below `reference` of `store`, by platform (attestations under
    /// `unknown/unknown@<described digest>`), with its layers' media types and its config digest.
    static func images(_ store: any ContentSource, _ reference: ManifestReference) async throws
        -> [String: (mediaType: MediaType, layers: [MediaType], config: Digest)] {
        let root = try await store.manifest(reference)
        var out: [String: (MediaType, [MediaType], Digest)] = [:]
        for entry in root.index?.manifests ?? [] {
            let child = try await store.manifest(.digest(entry.digest))
            let image = try #require(child.image)
            var key = entry.platform?.formatted ?? "none"
            if let described = entry.annotations?[AnnotationKey.dockerReferenceDigest] { key += "@" + described }
            out[key] = (child.mediaType, image.layers.map(\.mediaType), image.config.digest)
        }
        return out
    }

    /// The spool directories of recompressing copies in the temporary directory.
    static func spools() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []).filter { $0.hasPrefix("xarch-recompress-") }
    }

    @Test(.requiresFixture("layouts/skopeo-busybox/index.json"))
    func zstdCopyKeepsConfigsAndDiffIDsAndIsReproducible() async throws {
        let fixtures = Integration.fixturesRoot
        let spoolsBefore = Set(Self.spools())
        try await TestImages.withTemporaryDirectory("recompress") { dir in
            let resolver = StoreResolver(session: TestSession.shared)
            let source = try ImageLocation(parsing: "oci:\(fixtures)/layouts/skopeo-busybox:multi")
            let options = CopyOptions(jobs: 4, compression: Self.zstd)
            let first = try await ImageCopy.copy(from: source, to: try ImageLocation(parsing: "oci:\(dir)/a:z"),
                                                 resolver: resolver, options: options)
            let second = try await ImageCopy.copy(from: source, to: try ImageLocation(parsing: "oci:\(dir)/b:z"),
                                                  resolver: resolver, options: CopyOptions(jobs: 1, compression: Self.zstd))
            #expect(first.destinationDigest == second.destinationDigest, "the same source and encoding gave two digests")
            #expect(first.destinationDigest != first.digest)
            #expect(first.recompression?.layers == 8 && first.recompression?.compression == "zstd")

            let before = try await Self.images(try OCILayout.open(at: "\(fixtures)/layouts/skopeo-busybox"), .tag("multi"))
            let after = try await Self.images(try OCILayout.open(at: "\(dir)/a"), .tag("z"))
            #expect(Set(before.keys) == Set(after.keys) && after.count == 8)
            for (platform, image) in after {
                #expect(image.layers == [.ociLayerZstd], "\(platform): \(image.layers)")
                #expect(image.config == before[platform]?.config, "\(platform): the config (and so its diff IDs) changed")
            }
            // Copying again finds the rewritten root at the tag: up to date, nothing written.
            let again = try await ImageCopy.copy(from: source, to: try ImageLocation(parsing: "oci:\(dir)/a:z"),
                                                 resolver: resolver, options: options)
            #expect(again.upToDate && again.destinationDigest == first.destinationDigest)
            // Back to gzip: the same configs again, gzip layers.
            let back = try await ImageCopy.copy(from: try ImageLocation(parsing: "oci:\(dir)/a:z"),
                                                to: try ImageLocation(parsing: "oci:\(dir)/c:g"), resolver: resolver,
                                                options: CopyOptions(compression: LayerEncoding(.gzip)))
            #expect(back.recompression?.layers == 8)
            for (platform, image) in try await Self.images(try OCILayout.open(at: "\(dir)/c"), .tag("g")) {
                #expect(image.layers == [.ociLayerGzip] && image.config == before[platform]?.config, "\(platform)")
            }
            let verify = try await Verification.verify(try ImageLocation(parsing: "oci:\(dir)/a:z"), resolver: resolver)
            #expect(verify.errors == 0, "\(verify)")
            // Nothing of the spools is left behind (the suite is serialized; no other suite recompresses).
            let left = Set(Self.spools()).subtracting(spoolsBefore)
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test func attestationsFollowTheirRewrittenManifestAndKeepTheirBytes() async throws {
        try await TestImages.withTemporaryDirectory("recompress-attest") { dir in
            let demo = try await TestImages.demo(at: "\(dir)/src")
            let resolver = StoreResolver(session: TestSession.shared)
            let report = try await ImageCopy.copy(from: try ImageLocation(parsing: "oci:\(dir)/src:demo"),
                                                  to: try ImageLocation(parsing: "oci:\(dir)/dst:demo"), resolver: resolver,
                                                  options: CopyOptions(compression: Self.zstd))
            #expect(report.recompression?.layers == 4)
            let destination = try OCILayout.open(at: "\(dir)/dst")
            let index = try #require(try await destination.manifest(.tag("demo")).index)
            let images = index.manifests.filter { $0.annotations?[AnnotationKey.dockerReferenceType] == nil }
            let attestations = index.manifests.filter { $0.annotations?[AnnotationKey.dockerReferenceType] == "attestation-manifest" }
            #expect(images.count == 4 && attestations.count == 2)
            #expect(Set(images.map(\.digest)).isDisjoint(with: demo.children.map(\.digest)), "image manifests kept their old digests")
            for attestation in attestations {
                let described = try #require(attestation.annotations?[AnnotationKey.dockerReferenceDigest])
                #expect(images.contains { $0.digest.description == described }, "attestation points at \(described), not at a copied image")
                // The attestation itself (in-toto layers, not tar) is copied byte for byte.
                #expect(try await OCILayout.open(at: "\(dir)/src").manifestDescriptor(.digest(attestation.digest)) != nil)
            }
        }
    }

    @Test func aLayerThatDoesNotMatchItsDiffIDIsRefusedAndNothingIsTagged() async throws {
        try await TestImages.withTemporaryDirectory("recompress-diffid") { dir in
            let store = try OCILayout.create(at: "\(dir)/src")
            let layerBytes = try TarWriter.archive([.file("hello", Array("hello\n".utf8))])
            let layer = Descriptor(mediaType: .ociLayer, bytes: layerBytes)
            try await store.putBlob(layer, from: ByteStream(bytes: layerBytes))
            let wrong = Digest.of(Array("something else".utf8))
            let configBytes = try CanonicalJSON.encode(ImageConfig(architecture: "amd64", os: "linux", rootfs: .init(diffIDs: [wrong])))
            let config = Descriptor(mediaType: .ociConfig, bytes: configBytes)
            try await store.putBlob(config, from: ByteStream(bytes: configBytes))
            let bytes = try CanonicalJSON.encode(ImageManifest(config: config, layers: [layer]))
            try await store.putManifest(Descriptor(mediaType: .ociManifest, bytes: bytes), bytes: bytes, tag: "bad")

            do {
                _ = try await ImageCopy.copy(from: try ImageLocation(parsing: "oci:\(dir)/src:bad"),
                                             to: try ImageLocation(parsing: "oci:\(dir)/dst:bad"),
                                             resolver: StoreResolver(session: TestSession.shared),
                                             options: CopyOptions(compression: Self.zstd))
                Issue.record("a layer whose tar does not match its diff ID was recompressed")
            } catch let error as XArchError {
                #expect(error.code == .digestMismatch && error.message.contains("diff ID"), "\(error.message)")
            }
            let tags = (try? await OCILayout.open(at: "\(dir)/dst").tags()) ?? []
            #expect(tags.isEmpty)
        }
    }

    @Test(.requiresTools("skopeo"), .requiresEnvironment("XARCH_TEST_REGISTRY"), .requiresFixture("layouts/skopeo-busybox/index.json"))
    func aDockerListBecomesAnOCIIndexOfZstdImagesThatSkopeoCopies() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let fixtures = Integration.fixturesRoot
        let tag = UUID().uuidString.prefix(8).lowercased()
        let docker = "\(registry)/recompress/docker:\(tag)"
        try await Peer.run("skopeo", ["copy", "--all", "--format", "v2s2", "--dest-tls-verify=false",
                                      "oci:\(fixtures)/layouts/skopeo-busybox:multi", "docker://\(docker)"])
        let resolver = StoreResolver(session: TestSession.shared)
        let source = try ImageLocation(parsing: docker)
        #expect(try await resolver.open(source).root().mediaType == .dockerManifestList)

        // gzip into a Docker list with gzip layers: nothing to re-encode, every digest kept.
        let same = try await ImageCopy.copy(from: source, to: try ImageLocation(parsing: "\(registry)/recompress/gzip:\(tag)"),
                                            resolver: resolver, options: CopyOptions(compression: LayerEncoding(.gzip)))
        #expect(same.destinationDigest == same.digest && same.recompression?.layers == 0)

        let zstdReference = "\(registry)/recompress/zstd:\(tag)"
        let report = try await ImageCopy.copy(from: source, to: try ImageLocation(parsing: zstdReference),
                                              resolver: resolver, options: CopyOptions(compression: Self.zstd))
        let opened = try resolver.open(try ImageLocation(parsing: zstdReference))
        #expect(try await opened.root().mediaType == .ociIndex)
        let before = try await Self.images(try resolver.open(source).source, .tag(tag))
        for (platform, image) in try await Self.images(opened.source, .tag(tag)) {
            #expect(image.mediaType == .ociManifest && image.layers == [.ociLayerZstd], "\(platform): \(image)")
            #expect(image.config == before[platform]?.config, "\(platform): config changed")
        }
        // skopeo copies what xarch wrote without changing a digest.
        try await TestImages.withTemporaryDirectory("recompress-skopeo") { dir in
            try await Peer.run("skopeo", ["copy", "--all", "--preserve-digests", "--src-tls-verify=false",
                                          "docker://\(zstdReference)", "oci:\(dir)/copy:v1"])
            let index = try String(contentsOfFile: "\(dir)/copy/index.json", encoding: .utf8)
            #expect(index.contains(report.destinationDigest), "skopeo changed the index: \(index)")
        }
    }
}
