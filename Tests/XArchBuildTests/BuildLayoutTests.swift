import Foundation
import Testing
import XArchContent
import XArchLayout
import XArchModel
import XArchTestSupport
@testable import XArchBuild

/// Whole builds into OCI layouts (no registry needed): the hello example, multi-stage COPY --from,
/// reproducibility, and what the peers read.
@Suite struct BuildLayoutTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let hello = "\(repository)/examples/hello"

    /// Builds `dir` into `output` and returns the report.
    static func build(_ dir: String, platforms: [String]?, output: String, args: [String: String] = [:],
                      target: String? = nil) async throws -> BuildReport {
        let options = try BuildFixture.options(dir, platforms: platforms, args: args, target: target, output: output)
        return try await BuildFixture.withSession { session in try await ImageBuild.build(options, session: session) }
    }

    /// The image manifest and the files of its single new layer, extracted with GNU tar.
    static func files(of image: BuildReport.Image, in layout: String, scratch: String) async throws -> (ImageManifest, String) {
        let store = try OCILayout.open(at: layout)
        let manifest = try #require(try await store.manifest(.digest(try Digest(parsing: image.digest))).image)
        let root = "\(scratch)/\(image.platform.replacingOccurrences(of: "/", with: "-"))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for layer in manifest.layers {
            try Peer.run("tar", ["-xzf", "\(layout)/blobs/sha256/\(layer.digest.encoded)", "-C", root])
        }
        return (manifest, root)
    }

    @Test func helloExampleForEveryPlatform() async throws {
        try await withTemporaryDirectory { dir in
            let report = try await Self.build(Self.hello, platforms: nil, output: "\(dir)/hello")
            #expect(report.images.map(\.platform) == ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6",
                                                     "linux/arm/v5", "linux/386", "linux/ppc64le", "linux/s390x",
                                                     "linux/riscv64", "linux/mips64le"])
            #expect(report.skippedPlatforms.isEmpty)
            #expect(report.layersWritten == 10)
            for image in report.images {
                let (manifest, root) = try await Self.files(of: image, in: "\(dir)/hello", scratch: dir)
                #expect(manifest.layers.count == 1)
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(root)/hello")))
                #expect(ELFCheck.machine(bytes) == ELFCheck.expectedMachine(image.platform), "\(image.platform)")
                let config = try await OCILayout.open(at: "\(dir)/hello").blob(manifest.config).collect(limit: 1 << 20)
                let parsed = try CanonicalJSON.decode(ImageConfig.self, from: config, what: "config")
                #expect(parsed.platform.normalized == (try Platform(parsing: image.platform)).normalized)
                #expect(parsed.config?.entrypoint == ["/hello"])
                #expect(parsed.created == "1970-01-01T00:00:00Z")
            }
            if Peer.isInstalled("skopeo") {
                let raw = try Peer.run("skopeo", ["inspect", "--raw", "oci:\(dir)/hello:latest"])
                #expect(Digest.of(Array(raw.utf8)).description == report.indexDigest)
            }
        }
    }

    @Test func twoBuildsGiveTheSameDigests() async throws {
        try await withTemporaryDirectory { dir in
            let a = try await Self.build(Self.hello, platforms: ["linux/amd64", "linux/arm64", "linux/riscv64"], output: "\(dir)/a")
            let b = try await Self.build(Self.hello, platforms: ["linux/amd64", "linux/arm64", "linux/riscv64"], output: "\(dir)/b")
            #expect(a.indexDigest == b.indexDigest)
            #expect(a.images == b.images)
        }
    }

    @Test func identicalLayersAreWrittenOnce() async throws {
        let dir = try BuildFixture.context("""
            FROM scratch
            ARG TARGETARCH
            COPY assets/ /srv/assets/
            COPY bin/${TARGETARCH}/app /app
            """, files: ["assets/a.txt": "shared\n", "assets/b.txt": "also shared\n",
                         "bin/amd64/app*": "amd64", "bin/arm64/app*": "arm64", "bin/s390x/app*": "s390x"])
        defer { TestImages.cleanup(dir) }
        try await withTemporaryDirectory { out in
            let report = try await Self.build(dir, platforms: ["linux/amd64", "linux/arm64", "linux/s390x"], output: "\(out)/l")
            #expect(report.layersWritten == 4)
            let store = try OCILayout.open(at: "\(out)/l")
            var shared: Set<Digest> = []
            for image in report.images {
                let manifest = try #require(try await store.manifest(.digest(try Digest(parsing: image.digest))).image)
                shared.insert(manifest.layers[0].digest)
            }
            #expect(shared.count == 1)
        }
    }

    @Test func multiStageCopyFrom() async throws {
        let dir = try BuildFixture.context("""
            FROM scratch AS assets
            COPY web/ /www/
            COPY --chmod=600 secret.txt /www/private/secret.txt

            FROM scratch AS final
            ARG TARGETARCH
            COPY --from=assets /www/index.html /usr/share/www/
            COPY --from=0 --chown=101:102 /www/private /private
            COPY bin/${TARGETARCH}/app /app
            """, files: ["web/index.html": "<h1>hi</h1>", "web/style.css": "h1{}", "secret.txt": "s3cr3t",
                         "bin/amd64/app*": "amd64", "bin/arm64/app*": "arm64"])
        defer { TestImages.cleanup(dir) }
        let plan = try await BuildFixture.plan(try String(contentsOfFile: "\(dir)/Dockerfile", encoding: .utf8),
                                               files: ["web/index.html": "<h1>hi</h1>", "web/style.css": "h1{}",
                                                       "secret.txt": "s3cr3t", "bin/amd64/app*": "amd64"],
                                               platforms: ["linux/amd64"])
        let state = try #require(plan.states.first)
        #expect(state.newPaths == [["usr", "usr/share", "usr/share/www", "usr/share/www/index.html"],
                                   ["private", "private/secret.txt"], ["app"]])
        let secret = try #require(state.newLayers[1]["private/secret.txt"])
        #expect(secret.uid == 101 && secret.gid == 102 && secret.mode == 0o600)
        try await withTemporaryDirectory { out in
            let report = try await Self.build(dir, platforms: ["linux/amd64", "linux/arm64"], output: "\(out)/l")
            let (_, root) = try await Self.files(of: report.images[1], in: "\(out)/l", scratch: out)
            #expect(try String(contentsOfFile: "\(root)/usr/share/www/index.html", encoding: .utf8) == "<h1>hi</h1>")
            #expect(try String(contentsOfFile: "\(root)/app", encoding: .utf8) == "arm64")
        }
    }

    @Test func platformAllFromScratchSkipsPlatformsWithoutSources() async throws {
        let dir = try BuildFixture.context("FROM scratch\nARG TARGETARCH\nCOPY bin/${TARGETARCH}/app /app\n",
                                           files: ["bin/amd64/app": "a", "bin/s390x/app": "s"])
        defer { TestImages.cleanup(dir) }
        try await withTemporaryDirectory { out in
            let report = try await Self.build(dir, platforms: nil, output: "\(out)/l")
            #expect(report.images.map(\.platform) == ["linux/amd64", "linux/s390x"])
            #expect(report.skippedPlatforms.count == 8)
        }
    }

    func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
        let dir = try TestImages.temporaryDirectory("build-out")
        defer { TestImages.cleanup(dir) }
        try await body(dir)
    }
}
