import Foundation
import Testing
import XArch
import XArchContent
import XArchCopy
import XArchIndex
import XArchLayout
import XArchModel
import XArchRegistry
import XArchTestSupport

/// `xarch copy --referrers` and `inspect --referrers` against the real registries of `scripts/test`.
/// Debian's distribution 2.8 has no referrers API, so the referrers tag schema (`sha256-<hex>`) is the
/// path taken for real; skopeo reads the tags as the oracle. The referrers API itself is exercised
/// through the fault proxy: a canned `GET …/referrers/…` answer, and `OCI-Subject` added to a push.
@Suite("referrers against real registries")
struct ReferrersIntegrationTests {
    /// The fixture index copied to a fresh repository (mounted: cheap), so its fallback tags are ours.
    static func source(_ registry: String, session: RegistrySession) async throws -> (String, ManifestDocument, Descriptor) {
        let repository = IT.unique("ref-src")
        _ = try await IT.copy("\(registry)/\(BusyboxFixture.repository):\(BusyboxFixture.tag)", "\(registry)/\(repository):multi",
                              session: session)
        let (index, children) = try await BusyboxFixture.read(registry, session: session)
        let amd64 = try #require(children.first { $0.descriptor.platform?.architecture == "amd64" }).descriptor
        return (repository, index, Descriptor(mediaType: amd64.mediaType, digest: amd64.digest, size: amd64.size))
    }

    /// Pushes an artifact manifest whose subject is `subject` (an empty config, one blob of
    /// `content`), the way a client without the referrers API does: the manifest by digest, then the
    /// fallback tag. Returns its document.
    @discardableResult
    static func attach(_ artifactType: MediaType, _ content: String, to subject: Descriptor,
                       in client: RegistryClient) async throws -> ManifestDocument {
        let empty = Array("{}".utf8), blob = Array(content.utf8)
        let config = Descriptor(mediaType: .ociEmpty, bytes: empty)
        let layer = Descriptor(mediaType: artifactType, bytes: blob)
        try await client.putBlob(config, from: ByteStream(bytes: empty))
        try await client.putBlob(layer, from: ByteStream(bytes: blob))
        let manifest = ImageManifest(artifactType: artifactType, config: config, layers: [layer], subject: subject,
                                     annotations: ["org.opencontainers.image.created": "2026-12-02T00:00:00Z",
                                                   "org.example.content": content])
        let bytes = try CanonicalJSON.encode(manifest)
        let document = try ManifestDocument(bytes: bytes, declaredType: .ociManifest)
        let listed = try await client.putReferrer(document.descriptor, bytes: bytes)
        #expect(!listed, "distribution 2.8 does not answer OCI-Subject")
        try await client.addReferrers([document.referrerDescriptor], to: subject.digest)
        return document
    }

    /// The digests the fallback tag of `subject` lists, read by skopeo.
    static func fallbackDigests(_ repository: String, _ subject: Digest) async throws -> Set<Digest> {
        let raw = try await Skopeo.raw("docker://\(repository):\(subject.referrersTag)")
        let index = try CanonicalJSON.decode(ImageIndex.self, from: raw, what: "fallback index")
        return Set(index.manifests.map(\.digest))
    }

    static let sbom: MediaType = "application/spdx+json"
    static let signature: MediaType = "application/vnd.example.signature.v1+json"

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY2"), .requiresTools("skopeo"))
    func referrersFollowACopyToARegistryAndALayoutAndMerge() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let second = try Integration.require("XARCH_TEST_REGISTRY2")
        try await IT.withSession { session in
            let (repository, index, amd64) = try await Self.source(registry, session: session)
            let client = session.repository(try ImageReference(parsing: "\(registry)/\(repository)"))
            let sbom = try await Self.attach(Self.sbom, #"{"spdxVersion":"SPDX-2.3"}"#, to: amd64, in: client)
            #expect(try await Self.fallbackDigests("\(registry)/\(repository)", amd64.digest) == [sbom.digest])

            let destination = "\(second)/\(IT.unique("ref-dst"))"
            let options = CopyOptions(referrers: true)
            let first = try await IT.copy("\(registry)/\(repository):multi", "\(destination):multi", session: session, options: options)
            #expect(first.destinationDigest == index.digest.description)
            #expect(first.referrers?.map(\.digest) == [sbom.digest.description])
            #expect(first.referrers?.first?.listed == "list" && first.referrers?.first?.artifactType == Self.sbom.rawValue)
            #expect(try await Self.fallbackDigests(destination, amd64.digest) == [sbom.digest])
            #expect(try await Skopeo.digest("docker://\(destination)@\(sbom.digest)") == sbom.digest)

            // Another writer adds a referrer to the destination's list; then a second referrer is
            // attached at the source, and a copy brings it along without dropping either.
            let destinationClient = session.repository(try ImageReference(parsing: destination))
            let foreign = try await Self.attach("application/vnd.example.scan", "scan", to: amd64, in: destinationClient)
            let signature = try await Self.attach(Self.signature, "signed", to: amd64, in: client)
            let again = try await IT.copy("\(registry)/\(repository):multi", "\(destination):multi", session: session, options: options)
            #expect(again.upToDate)
            #expect(again.referrers?.map(\.listed) == ["present", "list"])
            #expect(try await Self.fallbackDigests(destination, amd64.digest) == [sbom.digest, foreign.digest, signature.digest])

            let (report, _) = try await Inspection.inspect(try ImageLocation(parsing: "\(destination):multi"),
                                                           session: session, referrers: true)
            let row = try #require(report.platforms?.first { $0.digest == amd64.digest.description })
            #expect(row.referrers?.map(\.digest) == [sbom.digest, foreign.digest, signature.digest].map(\.description))
            #expect(row.referrers?.first?.artifactType == Self.sbom.rawValue)
            #expect(row.referrers?.first?.annotations?["org.example.content"] == #"{"spdxVersion":"SPDX-2.3"}"#)
            #expect(report.referrers?.isEmpty == true)

            try await TestImages.withTemporaryDirectory("xarch-referrers") { dir in
                let layoutOptions = CopyOptions(referrers: true)
                let toLayout = try await IT.copy("\(registry)/\(repository):multi", "oci:\(dir)/layout:multi",
                                                 session: session, options: layoutOptions)
                #expect(toLayout.referrers?.map(\.listed) == ["list", "list"])
                let layout = try OCILayout.open(at: "\(dir)/layout")
                #expect(try await layout.referrers(of: amd64.digest).map(\.digest) == [sbom.digest, signature.digest])
                #expect(try await Skopeo.digest("oci:\(dir)/layout:multi") == index.digest)
                // the layout's referrers follow a copy back to a registry
                let back = "\(second)/\(IT.unique("ref-back"))"
                let fromLayout = try await IT.copy("oci:\(dir)/layout:multi", "\(back):multi", session: session, options: layoutOptions)
                #expect(fromLayout.referrers?.count == 2)
                #expect(try await Self.fallbackDigests(back, amd64.digest) == [sbom.digest, signature.digest])
                _ = try LayoutCheck.valid("\(dir)/layout")
            }
        }
    }

    /// `index create --referrers`: platform images taken from a repository of another registry bring
    /// their referrers to the destination; without the option they stay behind.
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY2"), .requiresTools("skopeo"))
    func referrersFollowTheImagesAnIndexIsCreatedFrom() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let second = try Integration.require("XARCH_TEST_REGISTRY2")
        try await IT.withSession { session in
            let (repository, _, amd64) = try await Self.source(registry, session: session)
            let client = session.repository(try ImageReference(parsing: "\(registry)/\(repository)"))
            let sbom = try await Self.attach(Self.sbom, #"{"spdxVersion":"SPDX-2.3"}"#, to: amd64, in: client)
            let resolver = StoreResolver(session: session)
            for referrers in [false, true] {
                let destination = "\(second)/\(IT.unique("ref-index"))"
                var options = IndexOptions(platforms: [try Platform(parsing: "linux/amd64"), try Platform(parsing: "linux/arm64")])
                options.referrers = referrers
                let report = try await IndexEditor.create(
                    [try IndexSource.open(try ImageLocation(parsing: "\(registry)/\(repository):multi"), resolver: resolver)],
                    destination: try ImageLocation(parsing: "\(destination):merged"), resolver: resolver, options: options)
                #expect(report.platforms.map(\.platform) == ["linux/amd64", "linux/arm64/v8"])
                if referrers {
                    #expect(report.referrers?.map(\.digest) == [sbom.digest.description])
                    #expect(report.referrers?.first?.subject == amd64.digest.description)
                    #expect(try await Self.fallbackDigests(destination, amd64.digest) == [sbom.digest])
                    #expect(try await Skopeo.digest("docker://\(destination)@\(sbom.digest)") == sbom.digest)
                } else {
                    #expect(report.referrers == nil)
                    let listing = session.repository(try ImageReference(parsing: destination))
                    #expect(try await listing.referrers(of: amd64.digest).isEmpty)
                }
            }
        }
    }

    /// A registry with the referrers API: the fault proxy answers `GET …/referrers/<amd64>` with a list
    /// (so the source's fallback tag is never read for it) and adds `OCI-Subject` to the destination's
    /// push of the referrer (so no fallback tag is written there).
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_PROXY", "XARCH_TEST_PROXY_CONTROL"),
          .requiresTools("curl"))
    func theReferrersAPIIsUsedWhereTheRegistryOffersIt() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let proxy = try Integration.require("XARCH_TEST_PROXY")
        let control = try Integration.require("XARCH_TEST_PROXY_CONTROL")
        try await IT.withSession { session in
            let (repository, index, amd64) = try await Self.source(registry, session: session)
            let client = session.repository(try ImageReference(parsing: "\(registry)/\(repository)"))
            let sbom = try await Self.attach(Self.sbom, "sbom via the API", to: amd64, in: client)
            let listing = try CanonicalJSON.encode(ImageIndex(mediaType: .ociIndex, manifests: [sbom.referrerDescriptor]))
            try await FaultProxy.arm(control, [
                "match": "/v2/\(repository)/referrers/\(amd64.digest)", "method": "GET", "fault": "status", "status": 200,
                "times": -1, "body": String(decoding: listing, as: UTF8.self),
                "headers": ["Content-Type": MediaType.ociIndex.rawValue]])
            let destination = IT.unique("ref-api")
            try await FaultProxy.arm(control, [
                "match": "/v2/\(destination)/manifests/\(sbom.digest)", "method": "PUT", "fault": "add-headers",
                "headers": ["OCI-Subject": amd64.digest.description]])

            let report = try await IT.copy("\(proxy)/\(repository):multi", "\(proxy)/\(destination):multi", session: session,
                                           options: CopyOptions(referrers: true))
            #expect(report.destinationDigest == index.digest.description)
            #expect(report.referrers?.map(\.digest) == [sbom.digest.description])
            #expect(report.referrers?.first?.listed == "registry")
            let tagReads = try await FaultProxy.log(control, matching: "/v2/\(repository)/manifests/\(amd64.digest.referrersTag)")
            #expect(tagReads.isEmpty, "the source's fallback tag is not read where the API answers: \(tagReads.map(\.path))")
            let target = session.repository(try ImageReference(parsing: "\(registry)/\(destination)"))
            #expect(try await target.manifestDescriptor(.tag(amd64.digest.referrersTag)) == nil)
            #expect(try await target.manifestDescriptor(.digest(sbom.digest))?.digest == sbom.digest)
        }
    }
}
