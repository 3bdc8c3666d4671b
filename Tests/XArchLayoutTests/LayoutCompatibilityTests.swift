import Foundation
import Testing
import XArchContent
@testable import XArchLayout
import XArchModel
import XArchTestSupport

@Suite("OCI layout: layouts written by other tools, ref.name rules")
struct LayoutCompatibilityTests {
    /// A layout whose index.json is written by hand, as other tools write it (no `mediaType`, full
    /// references and duplicate names in `ref.name`).
    func handWritten(_ dir: String, entries: [(seed: UInt8, name: String?)]) async throws -> (OCILayout, [Descriptor]) {
        let layout = try OCILayout.create(at: "\(dir)/l")
        var descriptors: [Descriptor] = []
        var json: [String] = []
        for (seed, name) in entries {
            let (descriptor, bytes) = try await Fixture.image(in: layout, seed: seed)
            try await layout.putManifest(descriptor, bytes: bytes, tag: nil)
            descriptors.append(descriptor)
            let annotations = name.map { #","annotations":{"org.opencontainers.image.ref.name":"\#($0)"}"# } ?? ""
            json.append(#"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(descriptor.digest)","size":\#(descriptor.size)\#(annotations)}"#)
        }
        let index = #"{"schemaVersion":2,"manifests":[\#(json.joined(separator: ","))]}"#
        try index.write(toFile: "\(layout.path)/index.json", atomically: false, encoding: .utf8)
        return (layout, descriptors)
    }

    @Test func indexWithoutMediaTypeAndDuplicateNamesReadsFirstMatch() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let (layout, d) = try await handWritten(dir, entries: [(1, "dup"), (2, "dup"), (3, nil)])
            #expect(try await layout.manifest(.tag("dup")).digest == d[0].digest)
            #expect(try await layout.tags() == ["dup"])
            // Writing the tag replaces both entries; the untagged one and the absent mediaType stay.
            try layout.addToIndex(d[2], tag: "dup")
            let index = try layout.index()
            #expect(index.mediaType == nil)
            #expect(index.manifests.map(\.digest) == [d[2].digest])
        }
    }

    @Test func fullReferenceNamesMatchOnTheirTag() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let (layout, d) = try await handWritten(dir, entries: [
                (1, "docker.io/library/app:1.0"), (2, "localhost:5000/app"), (3, "2.0"),
            ])
            #expect(try await layout.manifest(.tag("1.0")).digest == d[0].digest)
            #expect(try await layout.manifest(.tag("docker.io/library/app:1.0")).digest == d[0].digest)
            #expect(try await layout.manifestDescriptor(.tag("5000/app")) == nil)
            #expect(try await layout.tags() == ["2.0", "docker.io/library/app:1.0", "localhost:5000/app"])
            try await layout.deleteManifest(.tag("1.0"))
            #expect(try await layout.tags() == ["2.0", "localhost:5000/app"])
        }
    }

    @Test func anExactNameBeatsAFullReferenceAndAmbiguityIsAnError() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let (layout, d) = try await handWritten(dir, entries: [(1, "a:1.0"), (2, "b:1.0"), (3, "1.0"), (4, "b:2.0")])
            #expect(try await layout.manifest(.tag("1.0")).digest == d[2].digest)
            try await layout.deleteManifest(.tag("1.0"))
            let error = await #expect(throws: XArchError.self) { _ = try await layout.manifest(.tag("1.0")) }
            #expect(error?.message.contains("ambiguous") == true)
            #expect(error?.message.contains("a:1.0, b:1.0") == true)
            #expect(try await layout.manifest(.tag("2.0")).digest == d[3].digest)
        }
    }

    @Test(arguments: [
        ("docker.io/library/alpine:3.19", "3.19"), ("alpine:latest", "latest"), ("localhost:5000/app", nil),
        ("latest", nil), ("app:1.0@sha256:abc", "1.0"), ("app@sha256:abc", nil), ("host:5000/a/b:v-2", "v-2"),
    ] as [(String, String?)])
    func tagOfFullReference(_ name: String, _ tag: String?) {
        #expect(RefName.tag(ofReference: name) == tag)
    }

    @Test(arguments: [
        ("latest", true), ("v1.2.3-rc.1", true), ("a--b", true), ("repo/app:1.0", true), ("A_b+c@d", true),
        ("", false), ("-lead", false), ("trail.", false), ("a..b", false), ("a---b", false), ("a b", false),
        ("a//b", false), ("/a", false), ("ä", false),
    ])
    func refNameGrammar(_ name: String, _ valid: Bool) {
        #expect(((try? RefName.validate(name)) != nil) == valid, "\(name)")
    }
}

/// Layouts exchanged with the peers the project uses as oracles, when they are installed.
@Suite("OCI layout: skopeo and umoci", .serialized)
struct LayoutPeerTests {
    static let skopeo = "/usr/bin/skopeo"
    static let umoci = "/usr/bin/umoci"

    /// Runs a peer on a thread of its own (never blocking the cooperative pool); its output, or an error
    /// with its output.
    @discardableResult
    func run(_ tool: String, _ args: [String]) async throws -> String {
        let result = try await ProcessRun.run(URL(fileURLWithPath: tool), args)
        guard result.code == 0 else {
            throw XArchError(.checkFailed, "\(tool) \(args.joined(separator: " ")) failed: \(result.stdout)\(result.stderr)")
        }
        return result.stdout
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: skopeo), "needs skopeo at /usr/bin/skopeo (scripts/test installs it)"))
    func skopeoCopiesOurIndexAndWeReadItsCopy() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let ours = try OCILayout.create(at: "\(dir)/ours")
            var (amd, amdBytes) = try await Fixture.image(in: ours, seed: 1)
            try await ours.putManifest(amd, bytes: amdBytes, tag: nil)
            amd.platform = Platform(os: "linux", architecture: "amd64")
            let indexBytes = try CanonicalJSON.encode(ImageIndex(manifests: [amd]))
            try await ours.putManifest(Descriptor(mediaType: .ociIndex, bytes: indexBytes), bytes: indexBytes, tag: "v1")
            // --preserve-digests: otherwise skopeo gzips the (uncompressed) fixture layers on the way.
            let policy = ["--insecure-policy"]
            try await run(Self.skopeo, policy + ["copy", "-q", "--all", "--preserve-digests", "oci:\(ours.path):v1", "oci:\(dir)/theirs:copied"])
            let theirs = try OCILayout.open(at: "\(dir)/theirs")
            #expect(try await theirs.manifest(.tag("copied")).bytes == indexBytes)
            #expect(try await theirs.defaultManifest().bytes == indexBytes)
            try await verifyLayout(theirs.path)
            // skopeo writes into our layout next to our tag; both read, by us and by skopeo.
            try await run(Self.skopeo, policy + ["copy", "-q", "--all", "--preserve-digests", "oci:\(theirs.path):copied", "oci:\(ours.path):again"])
            #expect(try await ours.tags() == ["again", "v1"])
            let raw = try await run(Self.skopeo, ["inspect", "--raw", "oci:\(ours.path):v1"])
            #expect(Array(raw.utf8) == indexBytes)
            try await verifyLayout(ours.path)
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: umoci), "needs umoci at /usr/bin/umoci (scripts/test installs it)"))
    func umociReadsOurLayoutAndWeReadUmocis() async throws {
        try await TestImages.withTemporaryDirectory("xarch-layout-tests") { dir in
            let theirs = "\(dir)/umoci"
            try await run(Self.umoci, ["init", "--layout", theirs])
            try await run(Self.umoci, ["new", "--image", "\(theirs):fresh"])
            let layout = try OCILayout.open(at: theirs)
            #expect(try await layout.tags() == ["fresh"])
            let fresh = try await layout.manifest(.tag("fresh"))
            #expect(fresh.image != nil)
            let (descriptor, bytes) = try await Fixture.image(in: layout, seed: 5)
            try await layout.putManifest(descriptor, bytes: bytes, tag: "ours")
            let listed = try await run(Self.umoci, ["ls", "--layout", theirs])
            #expect(listed.split(separator: "\n").sorted() == ["fresh", "ours"])
            try await run(Self.umoci, ["stat", "--image", "\(theirs):ours"])
            try await verifyLayout(theirs)
        }
    }
}
