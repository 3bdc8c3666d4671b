import Foundation
import Testing
import XArch
@testable import XArchBuild
import XArchContent
import XArchLayout
import XArchModel
import XArchTestSupport

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
        return try await BuildFixture.withSession { session in try await ImageBuild.build(options, resolver: StoreResolver(session: session)) }
    }

    /// The image manifest and the files of its single new layer, extracted with GNU tar.
    static func files(of image: BuildReport.Image, in layout: String, scratch: String) async throws -> (ImageManifest, String) {
        let store = try OCILayout.open(at: layout)
        let manifest = try #require(try await store.manifest(.digest(try Digest(parsing: image.digest))).image)
        let root = "\(scratch)/\(image.platform.replacingOccurrences(of: "/", with: "-"))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for layer in manifest.layers {
            try await Peer.run("tar", ["-xzf", "\(layout)/blobs/sha256/\(layer.digest.encoded)", "-C", root])
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
                let raw = try await Peer.run("skopeo", ["inspect", "--raw", "oci:\(dir)/hello:latest"])
                #expect(Digest.of(Array(raw.utf8)).description == report.digest)
            }
        }
    }

    @Test func twoBuildsGiveTheSameDigests() async throws {
        try await withTemporaryDirectory { dir in
            let platforms = ["linux/amd64", "linux/arm64", "linux/riscv64"]
            let a = try await Self.build(Self.hello, platforms: platforms, output: "\(dir)/a")
            // A second checkout elsewhere, as another machine would have it: another path, files touched
            // now, another owner, the executables 0700 (umask 077) and an extra file nobody copies.
            let copy = "\(dir)/elsewhere/checkout"
            try FileManager.default.createDirectory(atPath: "\(dir)/elsewhere", withIntermediateDirectories: true)
            try await Peer.run("cp", ["-R", Self.hello, copy])
            try await Peer.run("touch", ["-d", "2031-05-06 07:08:09", "\(copy)/Dockerfile"])
            try await Peer.run("find", [copy, "-exec", "touch", "{}", "+"])
            try await Peer.run("find", [copy, "-name", "hello", "-exec", "chmod", "700", "{}", "+"])
            if getuid() == 0 { try await Peer.run("chown", ["-R", "4242:4343", copy]) }
            try Data("unrelated".utf8).write(to: URL(fileURLWithPath: "\(copy)/NOTES.txt"))
            let b = try await Self.build(copy, platforms: platforms, output: "\(dir)/b")
            #expect(a.digest == b.digest)
            #expect(a.images == b.images)
            // The digests README.md's main-job section shows for examples/hello, computed on another
            // machine: the layer bytes depend on nothing but the files' contents and the Dockerfile.
            let published = Self.publishedHello
            #expect(published.count == 10, "README.md's main-job table lists the hello platforms")
            for image in a.images {
                #expect(image.digest == published[image.platform], "\(image.platform)")
            }
        }
    }

    /// Child digests of examples/hello as the table in README.md's "The main job" section shows them.
    static var publishedHello: [String: String] {
        let readme = (try? String(contentsOfFile: "\(repository)/README.md", encoding: .utf8)) ?? ""
        guard let start = readme.range(of: "## The main job") else { return [:] }
        let section = readme[start.upperBound...].components(separatedBy: "\n## ").first ?? ""
        var out: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("linux/") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // Whole digests only: the section's `xarch test` table shows shortened ones.
            if fields.count >= 2, fields[1].hasPrefix("sha256:"), fields[1].count == 71 { out[String(fields[0])] = String(fields[1]) }
        }
        return out
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

    /// `--verify` scans every platform's files before anything is written: the hello example passes;
    /// an amd64 binary in the arm64 slot stops the build (the "downloaded the amd64 tarball" trap).
    @Test func verifyCatchesAForeignBinaryBeforeAnythingIsWritten() async throws {
        try await withTemporaryDirectory { dir in
            var options = try BuildFixture.options(Self.hello, platforms: nil, output: "\(dir)/ok")
            options.verify = true
            let report = try await BuildFixture.withSession { session in try await ImageBuild.build(options, resolver: StoreResolver(session: session)) }
            #expect(report.verification?.passed == true)
            #expect(report.verification?.platforms.map(\.elfFiles) == Array(repeating: 1, count: 10))

            let context = try BuildFixture.context("FROM scratch\nARG TARGETARCH\nCOPY --chmod=755 bin/${TARGETARCH}/hello /hello\n")
            defer { TestImages.cleanup(context) }
            for arch in ["amd64", "arm64"] {
                try FileManager.default.createDirectory(atPath: "\(context)/bin/\(arch)", withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: "\(Self.hello)/bin/linux-amd64/hello", toPath: "\(context)/bin/\(arch)/hello")
            }
            var wrong = try BuildFixture.options(context, platforms: ["linux/amd64", "linux/arm64"], output: "\(dir)/wrong")
            wrong.verify = true
            await #expect {
                _ = try await BuildFixture.withSession { session in try await ImageBuild.build(wrong, resolver: StoreResolver(session: session)) }
            } throws: { error in
                let message = (error as? XArchError)?.message ?? ""
                return (error as? XArchError)?.code == .checkFailed && message.contains("/hello")
                    && message.contains("x86-64") && message.contains("expected linux/arm64")
                    && message.hasSuffix("nothing was written or pushed")
            }
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/wrong"))
        }
    }

    /// A push that fails after the layout was written says so: the layout holds the whole index.
    @Test func aFailedPushAfterTheLayoutSaysWhatLanded() async throws {
        try await withTemporaryDirectory { dir in
            var options = try BuildFixture.options(Self.hello, platforms: ["linux/amd64"], output: "\(dir)/l")
            options.destinations = [try ImageReference(parsing: "127.0.0.1:1/nowhere:1")]
            await #expect {
                _ = try await BuildFixture.withSession { session in try await ImageBuild.build(options, resolver: StoreResolver(session: session)) }
            } throws: { error in
                (error as? XArchError)?.message.contains("is complete in oci:\(dir)/l:latest; 127.0.0.1:1/nowhere:1 has no index tag") == true
            }
            let store = try OCILayout.open(at: "\(dir)/l")
            #expect(try await store.manifest(.tag("latest")).index?.manifests.count == 1)
        }
    }

    @Test func windowsTargetsAreRefusedNotBuiltWithLinuxLayers() async throws {
        await #expect {
            _ = try await BuildFixture.plan("FROM scratch\nCOPY a /a\n", files: ["a": "a"], platforms: ["linux/amd64", "windows/amd64"])
        } throws: { error in
            (error as? XArchError)?.code == .unsupported && (error as? XArchError)?.message.hasPrefix("windows/amd64: xarch build writes Linux layers") == true
        }
    }

    @Test func aMissingPerPlatformFileNamesThePlatform() async throws {
        await #expect {
            _ = try await BuildFixture.plan("FROM scratch\nARG TARGETARCH\nCOPY bin/${TARGETARCH}/app /app\n",
                                            files: ["bin/amd64/app": "a"], platforms: ["linux/amd64", "linux/arm64"])
        } throws: { error in
            (error as? XArchError)?.message.hasPrefix("linux/arm64: Dockerfile line 3: \"bin/arm64/app\" does not exist") == true
        }
    }

    func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
        let dir = try TestImages.temporaryDirectory("build-out")
        defer { TestImages.cleanup(dir) }
        try await body(dir)
    }
}
