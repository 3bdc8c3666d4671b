import Foundation
import Testing
import XArchTestSupport
@testable import XArchModel

/// Real manifests as registries published them (provenance in `Fixtures/manifests/README.md`).
///
/// Each fixture's SHA-256 equals the digest under which it was published: the bytes are exact, and
/// ManifestDocument must keep them exact, hash them to that digest and parse them correctly.
@Suite("Real-world manifests")
struct RealWorldManifestTests {
    struct Published: CustomTestStringConvertible, Sendable {
        var file: String
        var folder = "manifests"
        var digest: String
        var size: Int
        var type: MediaType
        var testDescription: String { file }
    }

    static let published: [Published] = [
        // docker.io/library/postgres:17.11 (= 17-trixie): OCI index built by BuildKit with attestations.
        Published(file: "postgres-17.11-index.json",
                  digest: "sha256:f4c66b820c6f974249089d3d16d86a3698eae11e8746eb6644b2271031e91232",
                  size: 10237, type: .ociIndex),
        // docker.io/library/python:latest (2022): Docker manifest list with two Windows entries.
        Published(file: "python-latest-manifest-list.json",
                  digest: "sha256:567018293e51a89db96ce4c9679fdefc89b3d17a9fe9e94c0091b04ac5bb4e89",
                  size: 2355, type: .dockerManifestList),
        // docker.io/library/python@sha256:ec43d7…: the linux/amd64 child of the list above (pretty-printed).
        Published(file: "python-linux-amd64-manifest.json",
                  digest: "sha256:ec43d739179d1979274d05ac081e279c97cfe5ca31777b7de3ec77ff82909073",
                  size: 2218, type: .dockerManifest),
        // docker.io/library/alpine:3.22.2, linux/amd64 OCI image manifest.
        Published(file: "alpine-3.22.2-linux-amd64-manifest.json",
                  digest: "sha256:85f2b723e106c34644cd5851d7e81ee87da98ac54672b29947c052a45d31dc2f",
                  size: 1022, type: .ociManifest),
    ]

    static func document(_ file: String, declared: MediaType? = nil) throws -> ManifestDocument {
        try ManifestDocument(bytes: try ModelFixture.bytes(file), declaredType: declared)
    }

    @Test("bytes kept exactly and hashed to the published digest", arguments: published)
    func publishedDigest(p: Published) throws {
        let bytes = try ModelFixture.bytes(p.file, in: p.folder)
        #expect(bytes.count == p.size)
        let expected = Descriptor(mediaType: p.type, digest: try Digest(parsing: p.digest), size: Int64(p.size))
        for declared in [nil, p.type] {
            let document = try ManifestDocument(bytes: bytes, declaredType: declared)
            #expect(document.bytes == bytes)
            #expect(document.digest.description == p.digest)
            #expect(document.descriptor == expected)
        }
        let fetched = try ManifestDocument(bytes: bytes, expected: expected)
        #expect(fetched.bytes == bytes)
        // Re-encoding would change the digest: the kept bytes are the only way to keep it.
        let reencoded: [UInt8]
        switch fetched.content {
        case .index(let i): reencoded = try CanonicalJSON.encode(i)
        case .image(let m): reencoded = try CanonicalJSON.encode(m)
        }
        #expect(Digest.of(reencoded) != fetched.digest)
    }

    @Test("the declared type of another kind is refused", arguments: published)
    func contradiction(p: Published) throws {
        let other: MediaType = p.type.isIndex ? .ociManifest : .ociIndex
        expectXArchError(.invalidInput, containing: ["contradiction"]) {
            _ = try Self.document(p.file, declared: other)
        }
    }

    // MARK: postgres:17.11 — OCI index with BuildKit attestations

    static let postgresPlatforms: [(String, String, String, String, Int)] = [
        ("amd64", "", "e31e3d5327d1806f6177827c9710643e4f35f7ab3f14d26d05332753d3e95ee0", "2ca48abe6ef9fb9fda600a9198bddb14784a87cd653a364631916831168b938f", 3628),
        ("arm", "v5", "9b6d2e9b55335c9909a929c463a906a82a5cc9cf4302f87c44269c1aa4173d47", "9ed0d522a7775bef984ee7620b5a3da8a0fa40f8e472a400b3969d41bd8644a0", 3629),
        ("arm", "v7", "b635c790d35ec6ca6b2ad7ce115c6e2500610168b236b7ced090b53cae837a3c", "e84821b83861dcdc2c1abb7d4be0c2e21cd59ed33eba6da965492ff2285ba603", 3629),
        ("arm64", "v8", "86fa57b44a1d38f09970f64ac71eb492f7a9cf94d08b85e1c8f07bb0fc0a1761", "32350a9fb589b9fd6648d8dd9ed3a8871f0f8c8734f1db3e72e94e458c4c2c11", 3630),
        ("386", "", "8e61732943bd1812876cedbc1219744e1f741d41bc3929ed1dd9f0fd9b334a50", "17c1d3a29c6dfec97603c0b0d5d3925307a947c491fbcb015aba7291b0513da3", 3626),
        ("ppc64le", "", "5902b512844acd01fad5667398e6e24e730406c7bcf0b748bb38d0182f71003c", "1703de522c0456d074966a27ac1d189cbb90777eec371d3d9f0c508290a1d729", 3630),
        ("riscv64", "", "cbc6b27fc0a255576fd004f1334ea16f7b5b065c368e721d6fb9c8417e404570", "bf882334b82a7bf155029b198b584dced38421a7e48fc561494a0020900dfdd8", 3629),
        ("s390x", "", "33b944ae19be3c19293d7592789c56a6c7808b552a38e78e440904a57d19d570", "e2b19c8069f8e33f1042c22d5b5b9c8aeb0f49d4e0333e3037f79919f30aba7c", 3628),
    ]

    @Test("postgres index: 16 entries, 8 platforms, 8 attestations tied to their platform")
    func postgres() throws {
        let document = try Self.document("postgres-17.11-index.json", declared: .ociIndex)
        let index = try #require(document.index)
        #expect(index.schemaVersion == 2)
        #expect(index.mediaType == .ociIndex)
        #expect(index.manifests.count == 16)
        #expect(index.manifests.allSatisfy { $0.mediaType == .ociManifest && $0.unknownFields.isEmpty })

        let entries = IndexEntries(index)
        #expect(entries.platforms.count == 8)
        #expect(entries.orphanAttestations.isEmpty)
        #expect(entries.attestations.values.map(\.count).reduce(0, +) == 8)
        // Platforms in index order, each followed in the index by its attestation.
        #expect(entries.platforms.map(\.position) == [0, 2, 4, 6, 8, 10, 12, 14])
        for (entry, row) in zip(entries.platforms, Self.postgresPlatforms) {
            let (arch, variant, digest, attestation, size) = row
            let d = entry.descriptor
            #expect(d.platform == Platform(os: "linux", architecture: arch, variant: variant))
            #expect(d.digest.encoded == digest)
            #expect(d.size == Int64(size))
            #expect(d.annotations?[AnnotationKey.version] == "17.11")
            #expect(d.annotations?["org.opencontainers.image.base.name"] == "debian:trixie-slim")
            #expect(d.annotations?[AnnotationKey.source]?.hasPrefix("https://github.com/docker-library/postgres.git#") == true)
            let attached = entries.attestations(of: d.digest)
            #expect(attached.map(\.descriptor.digest.encoded) == [attestation])
            #expect(attached.map(\.position) == [entry.position + 1])
            let a = try #require(attached.first?.descriptor)
            #expect(a.platform == Platform(os: "unknown", architecture: "unknown"))
            #expect(a.size == 841)
            #expect(IndexEntries.isAttestation(a))
            #expect(!IndexEntries.isAttestation(d))
            #expect(a.annotations?["com.docker.official-images.bashbrew.arch"]
                == d.annotations?["com.docker.official-images.bashbrew.arch"])
        }
        // No platform entry is unknown/unknown.
        #expect(!entries.platforms.contains { $0.descriptor.platform?.os == "unknown" })
    }

    // MARK: python:latest — Docker manifest list with Windows entries

    @Test("python list: 10 entries, two Windows builds with os.version, no attestations")
    func pythonList() throws {
        let document = try Self.document("python-latest-manifest-list.json")
        #expect(document.mediaType == .dockerManifestList)
        let index = try #require(document.index)
        #expect(index.mediaType == .dockerManifestList)
        #expect(index.manifests.count == 10)
        #expect(index.manifests.allSatisfy { $0.mediaType == .dockerManifest && $0.annotations == nil })
        let platforms = index.manifests.compactMap(\.platform)
        #expect(platforms.map(\.os) == Array(repeating: "linux", count: 8) + ["windows", "windows"])
        #expect(platforms.map(\.architecture)
            == ["amd64", "arm", "arm", "arm64", "386", "mips64le", "ppc64le", "s390x", "amd64", "amd64"])
        #expect(platforms.map(\.variant) == ["", "v5", "v7", "v8", "", "", "", "", "", ""])
        #expect(platforms.map(\.osVersion) == Array(repeating: "", count: 8) + ["10.0.20348.707", "10.0.17763.2928"])
        #expect(index.manifests[8].size == 3189)
        #expect(index.manifests[0].digest.description
            == "sha256:ec43d739179d1979274d05ac081e279c97cfe5ca31777b7de3ec77ff82909073")

        let entries = IndexEntries(index)
        #expect(entries.platforms.count == 10)
        #expect(entries.attestations.isEmpty && entries.orphanAttestations.isEmpty)
    }

    @Test("the python list's first entry is the python amd64 manifest fixture")
    func pythonChildMatchesItsEntry() throws {
        let list = try #require(try Self.document("python-latest-manifest-list.json").index)
        let entry = try #require(list.manifests.first)
        let child = try ManifestDocument(bytes: try ModelFixture.bytes("python-linux-amd64-manifest.json"), expected: entry)
        #expect(child.descriptor.digest == entry.digest)
        #expect(child.mediaType == entry.mediaType)
    }

    // MARK: single-image manifests

    @Test("python amd64 manifest: Docker schema 2, 9 gzip layers, pretty-printed bytes kept")
    func pythonManifest() throws {
        let document = try Self.document("python-linux-amd64-manifest.json", declared: .dockerManifest)
        let image = try #require(document.image)
        #expect(document.bytes.starts(with: Array("{\n   \"schemaVersion\": 2,".utf8)))
        #expect(image.mediaType == .dockerManifest)
        #expect(image.config == Descriptor(mediaType: .dockerConfig,
            digest: try Digest(parsing: "sha256:8dec8e39f2eca1ee1f1b668619023da929039a39983de4433d42d25a7b79267c"), size: 8526))
        #expect(image.layers.count == 9)
        #expect(image.layers.allSatisfy { $0.mediaType == .dockerLayerGzip && $0.layerCompressionIsGzip })
        #expect(image.layers.map(\.size) == [54945622, 5155721, 10875052, 54578468, 196562669, 6290722, 19711940, 233, 2872318])
        #expect(image.contentSize == 8526 + 350_992_745)
        #expect(image.annotations == nil && image.subject == nil && image.unknownFields.isEmpty)
    }

    @Test("alpine amd64 manifest: OCI, one layer, Docker official-image annotations")
    func alpineManifest() throws {
        let document = try Self.document("alpine-3.22.2-linux-amd64-manifest.json", declared: .ociManifest)
        let image = try #require(document.image)
        #expect(image.mediaType == .ociManifest)
        #expect(image.config.mediaType == .ociConfig)
        #expect(image.config.size == 581)
        #expect(image.config.digest.description == "sha256:706db57fb2063f39f69632c5b5c9c439633fda35110e65587c5d85553fd1cc38")
        #expect(image.layers.map(\.mediaType) == [.ociLayerGzip])
        #expect(image.layers.map(\.size) == [3802452])
        #expect(image.annotations?[AnnotationKey.version] == "3.22.2")
        #expect(image.annotations?[AnnotationKey.created] == "2025-10-08T11:04:56Z")
        #expect(image.annotations?["com.docker.official-images.bashbrew.arch"] == "amd64")
        #expect(image.annotations?.count == 7)
    }

    // MARK: a real Docker image config

    @Test("a Docker-built config keeps container, docker_version and container_config")
    func dockerConfig() throws {
        let bytes = try ModelFixture.bytes("gitea-test-image-config.json", in: "configs")
        #expect(Digest.of(bytes).description == "sha256:4607e093bec406eaadb6f3a340f63400c9d3a7038680744c406903766b938f0d")
        #expect(bytes.count == 1069)
        let config = try CanonicalJSON.decode(ImageConfig.self, from: bytes, what: "image config")
        #expect(config.platform == Platform(os: "linux", architecture: "amd64"))
        #expect(config.config?.cmd == ["/true"])
        #expect(config.config?.argsEscaped == true)
        #expect(config.config?.unknownFields["Image"] == .string("sha256:9bd8b88dc68b80cffe126cc820e4b52c6e558eb3b37680bfee8e5f3ed7b8c257"))
        #expect(Set(config.unknownFields.keys) == ["container", "container_config", "docker_version"])
        #expect(config.unknownFields["docker_version"] == .string("20.10.12"))
        #expect(config.history?.map(\.emptyLayer) == [nil, true])
        #expect(config.rootfs.diffIDs.map(\.description) == ["sha256:0ff3b91bdf21ecdf2f2f3d4372c2098a14dbe06cd678e8f0a85fd4902d00e2e2"])
        let again = try CanonicalJSON.decode(ImageConfig.self, from: try CanonicalJSON.encode(config), what: "image config")
        #expect(again == config)
    }
}

private extension Descriptor {
    var layerCompressionIsGzip: Bool { mediaType.layerCompression == .gzip }
}
