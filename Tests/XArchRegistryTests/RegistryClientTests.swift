import Foundation
import Testing
import XArchArchive
import XArchContent
import XArchModel
import XArchRegistry
import XArchTestSupport

/// The registry client against the real `docker-registry` that `scripts/test` starts.
@Suite("registry client against docker-registry")
struct RegistryClientTests {
    static func registry() throws -> String { try Integration.require("XARCH_TEST_REGISTRY") }

    static func withClient(_ repository: String, limits: RegistryLimits = RegistryLimits(),
                           _ body: (RegistryClient, RegistrySession) async throws -> Void) async throws {
        let host = try registry()
        var options = RegistryOptions()
        options.limits = limits
        let session = RegistrySession(options: options)
        do {
            try await body(session.repository(try ImageReference(parsing: "\(host)/\(repository)")), session)
        } catch {
            await session.shutdown()
            throw error
        }
        await session.shutdown()
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))

    func readsTheFixtureIndexWithTheDigestSkopeoSees() async throws {
        try await Self.withClient("fixtures/busybox") { client, _ async throws in
            let raw = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(client.registry)/fixtures/busybox:multi"])
            let document = try await client.manifest(.tag("multi"))
            #expect(document.digest == Digest.of(Array(raw.utf8)))
            #expect(document.index?.manifests.count == 8)
            let head = try await client.manifestDescriptor(.tag("multi"))
            #expect(head == document.descriptor)
            // A child by digest, and its layer blob streamed and verified.
            let child = try #require(document.index?.manifests.first)
            let image = try #require(try await client.manifest(.digest(child.digest)).image)
            let layer = try #require(image.layers.first)
            var hasher = DigestHasher()
            for try await chunk in try await client.blob(layer) { hasher.update(chunk) }
            #expect(hasher.finalize() == layer.digest)
            #expect(try await client.blobSize(layer.digest) == layer.size)
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))

    func missingThingsAreNilOrNotFound() async throws {
        try await Self.withClient(IT.unique("missing")) { client, _ async throws in
            #expect(try await client.manifestDescriptor(.tag("nope")) == nil)
            #expect(try await client.blobSize(Digest.of([1, 2, 3])) == nil)
            await #expect { try await client.manifest(.tag("nope")) } throws: { error in
                (error as? XArchError)?.code == .notFound && "\(error)".contains("MANIFEST_UNKNOWN")
            }
        }
    }

    /// What xarch pushes, skopeo reads with the same digest.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"), arguments: [false, true])
    func pushesBlobsAndManifestsSkopeoReads(chunked: Bool) async throws {
        var limits = RegistryLimits()
        if chunked { limits.chunkThreshold = 1; limits.chunkSize = 64 * 1024 }
        try await Self.withClient(IT.unique(chunked ? "chunked" : "push"), limits: limits) { client, _ async throws in
            let layerBytes = try TarWriter.archive([.file("hello.txt", Array(repeating: 0x61, count: 300_000))])
            let layer = Descriptor(mediaType: .ociLayer, bytes: layerBytes)
            try await client.putBlob(layer, from: ByteStream(bytes: layerBytes, chunkSize: 10_000))
            let configBytes = try CanonicalJSON.encode(ImageConfig(architecture: "arm64", os: "linux", rootfs: .init(diffIDs: [layer.digest])))
            let config = Descriptor(mediaType: .ociConfig, bytes: configBytes)
            try await client.putBlob(config, from: ByteStream(bytes: configBytes))
            let manifestBytes = try CanonicalJSON.encode(ImageManifest(config: config, layers: [layer]))
            let manifest = Descriptor(mediaType: .ociManifest, bytes: manifestBytes)
            try await client.putManifest(manifest, bytes: manifestBytes, tag: "v1")

            let ref = "docker://\(client.registry)/\(client.repository):v1"
            let raw = try await Peer.run("skopeo", ["inspect", "--raw", "--tls-verify=false", ref])
            #expect(Digest.of(Array(raw.utf8)) == manifest.digest)
            let info = try await Peer.run("skopeo", ["inspect", "--tls-verify=false", ref])
            #expect(info.contains("\"Architecture\": \"arm64\""))
            #expect(try await client.tags() == ["v1"])
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))

    func wrongDigestOnUploadIsRefusedByTheRegistry() async throws {
        try await Self.withClient(IT.unique("wrong")) { client, _ async throws in
            let bytes: [UInt8] = Array("real content".utf8)
            let lie = Descriptor(mediaType: .ociLayer, digest: Digest.of(Array("other".utf8)), size: Int64(bytes.count))
            await #expect(throws: XArchError.self) { try await client.putBlob(lie, from: ByteStream(bytes: bytes)) }
            #expect(try await client.blobSize(lie.digest) == nil)
        }
    }

    /// distribution 2.8 answers every tag in one page (it ignores `n`), so paging is checked on the
    /// `Link` parser below and completeness here.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func listsEveryTag() async throws {
        var limits = RegistryLimits()
        limits.tagPageSize = 2
        try await Self.withClient(IT.unique("tags"), limits: limits) { client, _ async throws in
            let empty = Array("{}".utf8)
            let config = Descriptor(mediaType: .ociConfig, bytes: empty)
            try await client.putBlob(config, from: ByteStream(bytes: empty))
            let bytes = try CanonicalJSON.encode(ImageManifest(config: config, layers: []))
            let manifest = Descriptor(mediaType: .ociManifest, bytes: bytes)
            let tags = (1...5).map { "t\($0)" }
            for tag in tags { try await client.putManifest(manifest, bytes: bytes, tag: tag) }
            #expect(try await client.tags() == tags)
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))

    func mountsABlobFromAnotherRepositoryWithoutUploadingIt() async throws {
        let host = try Self.registry()
        let session = RegistrySession()
        defer { Task { await session.shutdown() } }
        let source = session.repository(try ImageReference(parsing: "\(host)/\(IT.unique("mount-src"))"))
        let target = session.repository(try ImageReference(parsing: "\(host)/\(IT.unique("mount-dst"))"))
        let bytes = Array("a blob to mount \(UUID())".utf8)
        let blob = Descriptor(mediaType: .ociLayer, bytes: bytes)
        try await source.putBlob(blob, from: ByteStream(bytes: bytes))
        #expect(target.canMount(from: source.blobOrigin))
        let puts = await session.counter.requestCounts()["PUT"] ?? 0
        #expect(try await target.mountBlob(blob, from: source.blobOrigin))
        #expect(await session.counter.requestCounts()["PUT"] ?? 0 == puts, "a mount uploads nothing")
        #expect(try await target.blobSize(blob.digest) == Int64(bytes.count))
        // A blob the source does not have: the registry declines, the caller must upload.
        let absent = Descriptor(mediaType: .ociLayer, bytes: Array("absent \(UUID())".utf8))
        #expect(try await target.mountBlob(absent, from: source.blobOrigin) == false)
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))

    func deletesManifestsAndFallsBackToTheReferrersTagSchema() async throws {
        try await Self.withClient(IT.unique("delete")) { client, _ async throws in
            let empty = Array("{}".utf8)
            let config = Descriptor(mediaType: .ociConfig, bytes: empty)
            try await client.putBlob(config, from: ByteStream(bytes: empty))
            let bytes = try CanonicalJSON.encode(ImageManifest(config: config, layers: []))
            let manifest = Descriptor(mediaType: .ociManifest, bytes: bytes)
            try await client.putManifest(manifest, bytes: bytes, tag: "gone")
            #expect(try await client.referrers(of: manifest.digest).isEmpty)
            try await client.deleteManifest(.tag("gone"))
            #expect(try await client.manifestDescriptor(.digest(manifest.digest)) == nil)
        }
    }

    @Test func deadRegistryIsOneClearSentence() async throws {
        let session = RegistrySession()
        let client = session.repository(try ImageReference(parsing: "127.0.0.1:1/x"))
        await #expect { try await client.manifest(.tag("latest")) } throws: { error in
            let x = error as? XArchError
            return x?.code == .network && x?.message.contains("127.0.0.1:1") == true && x?.message.contains("refused") == true
        }
        #expect(await session.counter.requestCounts()["GET"] == RetryPolicy().attempts, "a bounded number of attempts")
        await session.shutdown()
    }
}
