import Foundation
import Testing
@testable import XArchModel

/// `IndexEntries`: BuildKit attestation entries (`vnd.docker.reference.type: attestation-manifest`) are
/// never platforms; they are attached to the entry they describe, or kept apart as orphans.
@Suite("IndexEntries")
struct IndexEntriesTests {
    static let unknown = Platform(os: "unknown", architecture: "unknown")

    static func image(_ c: Character, _ platform: Platform? = Platform(os: "linux", architecture: "amd64"),
                      annotations: [String: String]? = nil) -> Descriptor {
        Descriptor(mediaType: .ociManifest, digest: repeatedDigest(c), size: 100, annotations: annotations,
                   platform: platform)
    }

    static func attestation(_ c: Character, for target: String?, type: String = "attestation-manifest",
                            platform: Platform? = unknown) -> Descriptor {
        var annotations = [AnnotationKey.dockerReferenceType: type]
        annotations[AnnotationKey.dockerReferenceDigest] = target
        return Descriptor(mediaType: .ociManifest, digest: repeatedDigest(c), size: 50, annotations: annotations,
                          platform: platform)
    }

    @Test("attestations are attached to the digest they name, in index order")
    func attached() {
        let amd = Self.image("1"), arm = Self.image("2", Platform(os: "linux", architecture: "arm64", variant: "v8"))
        let index = ImageIndex(manifests: [
            amd, Self.attestation("a", for: amd.digest.description),
            arm, Self.attestation("b", for: arm.digest.description),
            Self.attestation("c", for: amd.digest.description),
        ])
        let entries = IndexEntries(index)
        #expect(entries.platforms.map(\.descriptor) == [amd, arm])
        #expect(entries.platforms.map(\.position) == [0, 2])
        #expect(entries.attestations(of: amd.digest).map(\.position) == [1, 4])
        #expect(entries.attestations(of: amd.digest).map(\.descriptor.digest) == [repeatedDigest("a"), repeatedDigest("c")])
        #expect(entries.attestations(of: arm.digest).map(\.position) == [3])
        #expect(entries.attestations.count == 2)
        #expect(entries.orphanAttestations.isEmpty)
        #expect(entries.attestations(of: repeatedDigest("9")).isEmpty)
    }

    @Test("an attestation may come before the entry it describes")
    func attestationFirst() {
        let amd = Self.image("1")
        let entries = IndexEntries(ImageIndex(manifests: [Self.attestation("a", for: amd.digest.description), amd]))
        #expect(entries.platforms.map(\.position) == [1])
        #expect(entries.attestations(of: amd.digest).map(\.position) == [0])
    }

    @Test("orphan attestations", arguments: [
        ("names no entry of the index", Optional(repeatedDigest("f").description)),
        ("digest annotation missing", nil),
        ("digest annotation empty", ""),
        ("digest annotation malformed", "sha256:1234"),
        ("digest annotation uppercase", "sha256:" + String(repeating: "A", count: 64)),
        ("digest annotation with an unknown algorithm", "md5:" + String(repeating: "0", count: 32)),
        ("digest annotation names another attestation", repeatedDigest("b").description),
    ] as [(String, String?)])
    func orphans(_ why: String, target: String?) {
        let amd = Self.image("1")
        let other = Self.attestation("b", for: amd.digest.description)
        let orphan = Self.attestation("a", for: target)
        let entries = IndexEntries(ImageIndex(manifests: [amd, orphan, other]))
        #expect(entries.orphanAttestations.map(\.descriptor) == [orphan], "\(why)")
        #expect(entries.orphanAttestations.map(\.position) == [1])
        #expect(entries.platforms.map(\.descriptor) == [amd])
        #expect(entries.attestations(of: amd.digest).map(\.descriptor) == [other])
    }

    @Test("only the attestation-manifest reference type makes an attestation", arguments: [
        ("attestation-manifest", true),
        ("Attestation-Manifest", false),
        ("signature", false),
        ("", false),
    ])
    func referenceType(type: String, isAttestation: Bool) {
        let amd = Self.image("1")
        let entry = Self.attestation("a", for: amd.digest.description, type: type)
        #expect(IndexEntries.isAttestation(entry) == isAttestation)
        let entries = IndexEntries(ImageIndex(manifests: [amd, entry]))
        #expect(entries.platforms.count == (isAttestation ? 1 : 2))
    }

    @Test("classification is by annotation, not by platform")
    func notByPlatform() {
        // unknown/unknown without the annotation stays a platform entry (it is not for xarch to guess) …
        let plainUnknown = Self.image("1", Self.unknown)
        // … and an annotated entry is an attestation whatever its platform says, or without one.
        let amd = Self.image("2")
        let linuxAttestation = Self.attestation("a", for: amd.digest.description, platform: amd.platform)
        let noPlatform = Self.attestation("b", for: amd.digest.description, platform: nil)
        let entries = IndexEntries(ImageIndex(manifests: [plainUnknown, amd, linuxAttestation, noPlatform]))
        #expect(entries.platforms.map(\.descriptor) == [plainUnknown, amd])
        #expect(entries.attestations(of: amd.digest).map(\.position) == [2, 3])
        #expect(!IndexEntries.isAttestation(plainUnknown))
        #expect(!IndexEntries.isAttestation(Self.image("3", annotations: [AnnotationKey.dockerReferenceDigest: amd.digest.description])))
    }

    @Test("entries without a platform, nested indexes and other annotations are platform entries")
    func withoutPlatform() {
        let noPlatform = Self.image("1", nil)
        let nested = Descriptor(mediaType: .ociIndex, digest: repeatedDigest("2"), size: 10)
        let annotated = Self.image("3", annotations: [AnnotationKey.refName: "latest"])
        let attestation = Self.attestation("a", for: noPlatform.digest.description)
        let entries = IndexEntries(ImageIndex(manifests: [noPlatform, nested, annotated, attestation]))
        #expect(entries.platforms.map(\.descriptor) == [noPlatform, nested, annotated])
        #expect(entries.platforms.map(\.position) == [0, 1, 2])
        #expect(entries.attestations(of: noPlatform.digest).map(\.position) == [3])
    }

    @Test("index order is kept, duplicates included")
    func orderKept() {
        let descriptors = (0..<12).map { i in
            Self.image(Character(String(i, radix: 16)), Platform(os: "linux", architecture: "arch\(i)"))
        }
        let duplicated = descriptors + [descriptors[3]]
        let entries = IndexEntries(ImageIndex(manifests: duplicated))
        #expect(entries.platforms.map(\.descriptor) == duplicated)
        #expect(entries.platforms.map(\.position) == Array(0..<13))
    }

    @Test("an attestation for a digest listed twice is attached once")
    func duplicatePlatformDigest() {
        let amd = Self.image("1")
        let entries = IndexEntries(ImageIndex(manifests: [amd, amd, Self.attestation("a", for: amd.digest.description)]))
        #expect(entries.platforms.count == 2)
        #expect(entries.attestations(of: amd.digest).map(\.position) == [2])
    }

    @Test("an empty index has no entries")
    func empty() {
        let entries = IndexEntries(ImageIndex(manifests: []))
        #expect(entries.platforms.isEmpty && entries.attestations.isEmpty && entries.orphanAttestations.isEmpty)
    }

    @Test("a decoded BuildKit-style index is classified the same way")
    func decoded() throws {
        let target = repeatedDigest("1")
        let json = #"""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(target)","size":10,
           "platform":{"architecture":"amd64","os":"linux"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(repeatedDigest("a"))","size":5,
           "annotations":{"vnd.docker.reference.digest":"\#(target)","vnd.docker.reference.type":"attestation-manifest"},
           "platform":{"architecture":"unknown","os":"unknown"}}]}
        """#
        let document = try ManifestDocument(bytes: jsonBytes(json), declaredType: nil)
        let entries = IndexEntries(try #require(document.index))
        #expect(entries.platforms.map(\.descriptor.digest) == [target])
        #expect(entries.attestations(of: target).first?.descriptor.platform == Self.unknown)
    }
}
