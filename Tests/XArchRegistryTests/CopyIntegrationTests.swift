import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchLayout
import XArchModel
import XArchRegistry
import XArchTestSupport

/// `xarch copy` against the real registries of `scripts/test`, with skopeo as the oracle.
@Suite("copy against real registries")
struct CopyIntegrationTests {
    static let fixture = "\(BusyboxFixture.repository):\(BusyboxFixture.tag)"

    /// Within one registry every blob is mounted: no byte is uploaded, which the registry's own access
    /// log confirms (no PATCH or PUT of an upload in the new repository).
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY_LOG"))
    func withinOneRegistryBlobsAreMountedNotUploaded() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let logPath = try Integration.require("XARCH_TEST_REGISTRY_LOG")
        let options = IT.options()
        let destination = IT.unique("mounted")
        try await IT.withSession(options) { session in
            let (index, children) = try await BusyboxFixture.read(registry, session: session)
            let blobs = BusyboxFixture.blobs(children)
            let report = try await IT.copy("\(registry)/\(Self.fixture)", "\(registry)/\(destination):multi", session: session)
            #expect(report.blobs.mounted == blobs.count)
            #expect(report.blobs.copied == 0 && report.blobs.bytesCopied == 0)
            #expect(report.manifests.copied == children.count + 1)
            #expect(report.destinationDigest == index.digest.description)

            let log = AccessLog(path: logPath)
            let lines = try await log.settle(userAgent: options.userAgent) { lines in
                lines.contains { $0.method == "PUT" && $0.path == "/v2/\(destination)/manifests/multi" }
            }
            let mine = lines.filter { $0.path.hasPrefix("/v2/\(destination)/") }
            let uploads = mine.filter { ["PATCH", "PUT"].contains($0.method) && $0.path.contains("/blobs/uploads") }
            #expect(uploads.isEmpty, "nothing is uploaded to \(destination): \(uploads)")
            let mounts = mine.filter { $0.method == "POST" && $0.path.contains("/blobs/uploads/?mount=") }
            #expect(mounts.count == blobs.count && mounts.allSatisfy { $0.status == 201 }, "\(mounts)")

            #expect(try await Skopeo.digest("docker://\(registry)/\(destination):multi") == index.digest)
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                try await Skopeo.copyAll("docker://\(registry)/\(destination):multi", "oci:\(dir)/skopeo:multi")
                #expect(try await Skopeo.digest("oci:\(dir)/skopeo:multi") == index.digest)
            }
        }
    }

    /// Across two registries everything is streamed, and the digests stay.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY2"))
    func acrossTwoRegistriesTheDigestsStay() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let second = try Integration.require("XARCH_TEST_REGISTRY2")
        let destination = IT.unique("cross")
        try await IT.withSession { session in
            let (index, children) = try await BusyboxFixture.read(registry, session: session)
            let blobs = BusyboxFixture.blobs(children)
            let report = try await IT.copy("\(registry)/\(Self.fixture)", "\(second)/\(destination):multi", session: session)
            #expect(report.blobs.copied == blobs.count && report.blobs.mounted == 0)
            #expect(report.blobs.bytesCopied == blobs.reduce(0) { $0 + $1.size })
            #expect(try await Skopeo.digest("docker://\(second)/\(destination):multi") == index.digest)
            for child in children {
                #expect(try await Skopeo.digest("docker://\(second)/\(destination)@\(child.descriptor.digest)") == child.descriptor.digest)
            }
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                try await Skopeo.copyAll("docker://\(second)/\(destination):multi", "oci:\(dir)/skopeo:multi")
                #expect(try await Skopeo.digest("oci:\(dir)/skopeo:multi") == index.digest)
            }
        }
    }

    /// Registry → layout, then that layout → another registry; skopeo reads both results.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY2"))
    func registryToLayoutAndLayoutToRegistry() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let second = try Integration.require("XARCH_TEST_REGISTRY2")
        let destination = IT.unique("from-layout")
        try await IT.withSession { session in
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                let expected = try await Skopeo.digest("docker://\(registry)/\(Self.fixture)")
                let down = try await IT.copy("\(registry)/\(Self.fixture)", "oci:\(dir)/layout:multi", session: session)
                #expect(down.digest == expected.description && down.destinationDigest == expected.description)
                #expect(try await Skopeo.digest("oci:\(dir)/layout:multi") == expected)
                try LayoutCheck.valid("\(dir)/layout")
                try await Skopeo.copyAll("oci:\(dir)/layout:multi", "oci:\(dir)/skopeo:multi")
                #expect(try await Skopeo.digest("oci:\(dir)/skopeo:multi") == expected)

                let up = try await IT.copy("oci:\(dir)/layout:multi", "\(second)/\(destination):multi", session: session)
                #expect(up.blobs.copied > 0 && up.destinationDigest == expected.description)
                #expect(try await Skopeo.digest("docker://\(second)/\(destination):multi") == expected)
                try await Skopeo.copyAll("docker://\(second)/\(destination):multi", "oci:\(dir)/back:multi")
                #expect(try await Skopeo.digest("oci:\(dir)/back:multi") == expected)
            }
        }
    }

    /// A layout written by another tool (buildah) pushed by xarch; skopeo reads it back.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_FIXTURES"))
    func peerLayoutToRegistry() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let fixtures = try Integration.require("XARCH_FIXTURES")
        let layout = "\(fixtures)/layouts/buildah-busybox"
        let destination = IT.unique("buildah")
        let expected = try await Skopeo.digest("oci:\(layout):multi")
        try await IT.withSession { session in
            let report = try await IT.copy("oci:\(layout):multi", "\(registry)/\(destination):v1", session: session)
            #expect(report.destinationDigest == expected.description)
            #expect(try await Skopeo.digest("docker://\(registry)/\(destination):v1") == expected)
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                try await Skopeo.copyAll("docker://\(registry)/\(destination):v1", "oci:\(dir)/skopeo:v1")
                #expect(try await Skopeo.digest("oci:\(dir)/skopeo:v1") == expected)
            }
        }
    }

    /// The other way round: skopeo pushes, xarch copies that to a layout with the same digests.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_FIXTURES"))
    func whatSkopeoPushesXArchCopies() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let fixtures = try Integration.require("XARCH_FIXTURES")
        let repository = IT.unique("by-skopeo")
        try await Skopeo.copyAll("oci:\(fixtures)/layouts/buildah-busybox:multi", "docker://\(registry)/\(repository):pushed")
        let pushed = try await Skopeo.digest("docker://\(registry)/\(repository):pushed")
        #expect(pushed == (try await Skopeo.digest("oci:\(fixtures)/layouts/buildah-busybox:multi")))
        try await IT.withSession { session in
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                let report = try await IT.copy("\(registry)/\(repository):pushed", "oci:\(dir)/copy:pushed", session: session)
                #expect(report.digest == pushed.description)
                #expect(try await Skopeo.digest("oci:\(dir)/copy:pushed") == pushed)
                let layout = try OCILayout.open(at: "\(dir)/copy")
                let index = try #require(try await layout.manifest(.tag("pushed")).index)
                for entry in index.manifests {
                    #expect(try await layout.manifest(.digest(entry.digest)).digest == entry.digest)
                }
                try LayoutCheck.valid("\(dir)/copy")
                // skopeo 1.9 cannot name a layout manifest by digest; copying the whole index reads each.
                try await Skopeo.copyAll("oci:\(dir)/copy:pushed", "oci:\(dir)/again:pushed")
                #expect(try await Skopeo.digest("oci:\(dir)/again:pushed") == pushed)
            }
        }
    }

    /// A copy whose destination already has the content costs two HEAD requests: the source's root and
    /// the destination's tag, as the registry's access log and the report both say.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY_LOG"))
    func anUpToDateCopyCostsExactlyTwoHeadRequests() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let logPath = try Integration.require("XARCH_TEST_REGISTRY_LOG")
        let destination = IT.unique("up-to-date")
        let source = "\(registry)/\(Self.fixture)", target = "\(registry)/\(destination):multi"
        try await IT.withSession { session in
            let first = try await IT.copy(source, target, session: session)
            #expect(!first.upToDate)
        }
        let options = IT.options()
        let report = try await IT.withSession(options) { session in try await IT.copy(source, target, session: session) }
        #expect(report.upToDate)
        #expect(report.requests == ["HEAD": 2])
        #expect(report.blobs == .init() && report.manifests == .init())
        let lines = try await AccessLog(path: logPath).settle(userAgent: options.userAgent) { $0.count >= 2 }
        #expect(lines.count == 2, "\(lines)")
        #expect(Set(lines.map { "\($0.method) \($0.path)" }) == [
            "HEAD /v2/\(BusyboxFixture.repository)/manifests/multi", "HEAD /v2/\(destination)/manifests/multi",
        ])
    }

    /// A platform filter pushes a reduced index with the attestations of the kept platforms; skopeo reads
    /// it and every child.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func aPlatformFilterPushesAReducedIndexSkopeoReads() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let full = IT.unique("demo"), reduced = IT.unique("demo-reduced")
        try await IT.withSession { session in
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                let demo = try await TestImages.demo(at: "\(dir)/demo")
                let pushed = try await IT.copy("oci:\(dir)/demo:demo", "\(registry)/\(full):demo", session: session)
                #expect(pushed.destinationDigest == demo.index.digest.description)
                #expect(try await Skopeo.digest("docker://\(registry)/\(full):demo") == demo.index.digest)

                let platforms = [try Platform(parsing: "linux/amd64"), try Platform(parsing: "linux/arm/v7")]
                let report = try await IT.copy("\(registry)/\(full):demo", "\(registry)/\(reduced):two", session: session,
                                               options: CopyOptions(platforms: platforms))
                #expect(report.platforms == ["linux/amd64", "linux/arm/v7"])
                let filtered = try #require(report.filteredIndexDigest)
                #expect(filtered != demo.index.digest.description && report.destinationDigest == filtered)

                let raw = try await Skopeo.raw("docker://\(registry)/\(reduced):two")
                #expect(Digest.of(raw).description == filtered)
                let index = try #require(try ManifestDocument(bytes: raw, declaredType: nil).index)
                let amd64 = demo.children[0], arm = demo.children[2]
                let original = try #require(try await OCILayout.open(at: "\(dir)/demo").manifest(.tag("demo")).index)
                let amd64Attestation = try #require(original.manifests.first {
                    $0.annotations?[AnnotationKey.dockerReferenceDigest] == amd64.digest.description
                })
                #expect(index.manifests.map(\.digest) == [amd64.digest, arm.digest, amd64Attestation.digest])
                let attestation = try #require(index.manifests.last)
                #expect(attestation.annotations?[AnnotationKey.dockerReferenceType] == "attestation-manifest")
                #expect(attestation.annotations?[AnnotationKey.dockerReferenceDigest] == amd64.digest.description)
                for entry in index.manifests {
                    #expect(try await Skopeo.digest("docker://\(registry)/\(reduced)@\(entry.digest)") == entry.digest)
                }
                let info = try await Peer.run("skopeo", ["inspect", "--tls-verify=false", "--override-arch", "arm",
                                                   "--override-variant", "v7", "--override-os", "linux",
                                                   "docker://\(registry)/\(reduced):two"])
                #expect(info.contains("\"Architecture\": \"arm\""))
                try await Skopeo.copyAll("docker://\(registry)/\(reduced):two", "oci:\(dir)/skopeo:two")
                #expect(try await Skopeo.digest("oci:\(dir)/skopeo:two").description == filtered)
            }
        }
    }

    /// Bytes moved are the unique blob bytes: four platforms sharing a base layer send it once.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY2", "XARCH_TEST_REGISTRY_LOG"))
    func bytesMovedAreTheUniqueBlobBytes() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let second = try Integration.require("XARCH_TEST_REGISTRY2")
        let logPath = try Integration.require("XARCH_TEST_REGISTRY_LOG")
        let repository = IT.unique("shared-base")
        let options = IT.options()
        try await IT.withSession(options) { session in
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                let built = try await ITImages.sharedBase(at: "\(dir)/src", tag: "v1")
                let unique = built.blobs.reduce(Int64(0)) { $0 + $1.size }
                #expect(built.blobs.count == 9, "one base, four own layers, four configs")

                let up = try await IT.copy("oci:\(dir)/src:v1", "\(registry)/\(repository):v1", session: session)
                #expect(up.blobs.copied == built.blobs.count && up.blobs.bytesCopied == unique)
                let lines = try await AccessLog(path: logPath).settle(userAgent: options.userAgent) { lines in
                    lines.contains { $0.method == "PUT" && $0.path == "/v2/\(repository)/manifests/v1" }
                }
                let puts = lines.filter { $0.method == "PUT" && $0.path.hasPrefix("/v2/\(repository)/blobs/uploads/") }
                #expect(puts.count == built.blobs.count, "each blob is uploaded once: \(puts)")

                let across = try await IT.copy("\(registry)/\(repository):v1", "\(second)/\(repository):v1", session: session)
                #expect(across.blobs.copied == built.blobs.count && across.blobs.bytesCopied == unique)
                let down = try await IT.copy("\(second)/\(repository):v1", "oci:\(dir)/dst:v1", session: session)
                #expect(down.blobs.bytesCopied == unique)
                #expect(try await Skopeo.digest("docker://\(second)/\(repository):v1") == built.index.digest)
                #expect(Set(try LayoutCheck.blobNames("\(dir)/dst")).isSuperset(of: built.blobs.map(\.digest.encoded)))
            }
        }
    }
}
