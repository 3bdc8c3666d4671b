import Foundation
import Testing
import XArch
import XArchArchive
@testable import XArchBuild
import XArchContent
import XArchLayout
import XArchModel
import XArchTestSupport

/// Files that come out of archives: ADD of local tar archives, and COPY --from an image or a stage
/// built on one (base layers spooled and applied with their whiteouts).
@Suite struct ArchiveSourceTests {
    @Test func addUnpacksLocalTarArchivesOnly() async throws {
        let dir = try BuildFixture.context("""
            FROM scratch
            ADD app.tar /opt/plain/
            ADD app.tar.gz /opt/gz
            ADD notes.txt.gz /data/
            COPY app.tar /copied/
            """, files: ["src/bin/tool": "#!/bin/sh\necho tool\n", "src/README": "readme\n", "notes.txt": "just text\n"])
        defer { TestImages.cleanup(dir) }
        try await Peer.run("sh", ["-c", "cd '\(dir)/src' && chmod 755 bin/tool && tar -cf ../app.tar bin README && gzip -kn ../app.tar && gzip -n ../notes.txt"])
        try await withOutput { out in
            let report = try await BuildLayoutTests.build(dir, platforms: ["linux/amd64"], output: "\(out)/l")
            let (_, root) = try await BuildLayoutTests.files(of: report.images[0], in: "\(out)/l", scratch: out)
            #expect(try String(contentsOfFile: "\(root)/opt/plain/bin/tool", encoding: .utf8) == "#!/bin/sh\necho tool\n")
            #expect(try String(contentsOfFile: "\(root)/opt/gz/README", encoding: .utf8) == "readme\n")
            #expect(FileManager.default.isExecutableFile(atPath: "\(root)/opt/gz/bin/tool"))
            #expect(FileManager.default.fileExists(atPath: "\(root)/data/notes.txt.gz"))
            #expect(FileManager.default.fileExists(atPath: "\(root)/copied/app.tar"))
        }
    }

    @Test func copyFromAnImageTakesThePlatformsFiles() async throws {
        try await withOutput { out in
            _ = try await TestImages.demo(at: "\(out)/base")
            let dir = try BuildFixture.context("""
                FROM oci:\(out)/base:demo AS base
                COPY hello.txt /etc/hello.txt

                FROM scratch
                COPY --from=oci:\(out)/base:demo /etc/platform /from-image
                COPY --from=base /etc/ /etc/
                """, files: ["hello.txt": "hello\n"])
            defer { TestImages.cleanup(dir) }
            let report = try await BuildLayoutTests.build(dir, platforms: ["linux/arm64", "linux/386"], output: "\(out)/l")
            for image in report.images {
                let (_, root) = try await BuildLayoutTests.files(of: image, in: "\(out)/l", scratch: out)
                let expected = "layer for \(image.platform)\n"
                #expect(try String(contentsOfFile: "\(root)/from-image", encoding: .utf8) == expected)
                #expect(try String(contentsOfFile: "\(root)/etc/platform", encoding: .utf8) == expected)
                #expect(try String(contentsOfFile: "\(root)/etc/hello.txt", encoding: .utf8) == "hello\n")
            }
        }
    }

    /// `COPY hello.txt /etc` on a base whose /etc is a directory puts the file into it; learning that
    /// reads the base's file list without keeping a byte of it on disk.
    @Test func aFileCopiedOntoABaseDirectoryGoesIntoItAndNothingIsSpooled() async throws {
        try await withOutput { out in
            _ = try await TestImages.demo(at: "\(out)/base")
            let dir = try BuildFixture.context("FROM oci:\(out)/base:demo\nCOPY hello.txt /etc\n", files: ["hello.txt": "hi"])
            defer { TestImages.cleanup(dir) }
            let work = "\(out)/work"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            let options = try BuildFixture.options(dir, platforms: ["linux/arm64"])
            let parsed = try BuildPlanner.dockerfile(at: options.dockerfilePath)
            let plan = try await BuildFixture.withSession { session in
                try await BuildPlanner(options: options, stages: parsed,
                                       context: try BuildContext.open(dir, dockerfile: options.dockerfilePath),
                                       resolver: BaseImageResolver(resolver: StoreResolver(session: session)), spool: SpoolStore(directory: work)).plan()
            }
            let state = try #require(plan.states.first)
            #expect(state.newPaths == [["etc/hello.txt"]])
            #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty)
        }
    }

    @Test func baseLayersKeepTheirDigests() async throws {
        try await withOutput { out in
            let (index, _) = try await TestImages.demo(at: "\(out)/base")
            let dir = try BuildFixture.context("FROM oci:\(out)/base:demo\nCOPY hello.txt /hello.txt\n", files: ["hello.txt": "hi"])
            defer { TestImages.cleanup(dir) }
            let report = try await BuildLayoutTests.build(dir, platforms: ["linux/amd64", "linux/arm/v7"], output: "\(out)/l")
            let base = try OCILayout.open(at: "\(out)/base"), built = try OCILayout.open(at: "\(out)/l")
            let children = try #require(try await base.manifest(.digest(index.digest)).index).manifests
            for (image, child) in zip(report.images, [children[0], children[2]]) {
                let ours = try #require(try await built.manifest(.digest(try Digest(parsing: image.digest))).image)
                let theirs = try #require(try await base.manifest(.digest(child.digest)).image)
                #expect(ours.layers.first?.digest == theirs.layers.first?.digest)
                #expect(ours.layers.count == 2)
            }
            await #expect(throws: XArchError.self) {
                _ = try await BuildLayoutTests.build(dir, platforms: ["linux/s390x"], output: "\(out)/m")
            }
            #expect(!FileManager.default.fileExists(atPath: "\(out)/m"))
        }
    }

    @Test func whiteoutsHideLowerFiles() async throws {
        try await withOutput { out in
            let lower = try TarWriter.archive([.directory("etc"), .file("etc/a", Array("a".utf8)), .file("etc/b", Array("b".utf8)),
                                         .directory("var"), .file("var/x", Array("x".utf8))])
            let upper = try TarWriter.archive([.file("etc/.wh.a", []), .directory("var"), .file("var/.wh..wh..opq", []),
                                         .file("var/y", Array("y".utf8))])
            try Data(lower).write(to: URL(fileURLWithPath: "\(out)/lower.tar"))
            try Data(upper).write(to: URL(fileURLWithPath: "\(out)/upper.tar"))
            let tree = ArchiveTree(name: "test", layers: [
                try await SpooledArchive.index(plainTar: "\(out)/lower.tar", name: "lower"),
                try await SpooledArchive.index(plainTar: "\(out)/upper.tar", name: "upper"),
            ])
            #expect(try tree.children(of: "etc") == ["b"])
            #expect(try tree.children(of: "var") == ["y"])
            #expect(try tree.node(at: "etc/a") == nil)
            let b = try #require(try tree.node(at: "etc/b"))
            #expect(b.size == 1 && b.kind == .regularFile)
        }
    }

    func withOutput(_ body: (String) async throws -> Void) async throws {
        let dir = try TestImages.temporaryDirectory("archive-out")
        defer { TestImages.cleanup(dir) }
        try await body(dir)
    }
}

/// Triggers and here-documents.
@Suite struct TriggerAndHeredocTests {
    @Test func onbuildTriggersOfTheBaseRunFirst() async throws {
        let out = try TestImages.temporaryDirectory("onbuild")
        defer { TestImages.cleanup(out) }
        let base = try BuildFixture.context("FROM scratch\nONBUILD COPY trigger.txt /from-trigger.txt\nCOPY base.txt /base.txt\n",
                                            files: ["base.txt": "base\n"])
        defer { TestImages.cleanup(base) }
        _ = try await BuildLayoutTests.build(base, platforms: ["linux/amd64"], output: "\(out)/base")
        let child = try BuildFixture.context("FROM oci:\(out)/base:latest\nENV A=1\n", files: ["trigger.txt": "triggered\n"])
        defer { TestImages.cleanup(child) }
        let report = try await BuildLayoutTests.build(child, platforms: ["linux/amd64"], output: "\(out)/child")
        let (manifest, root) = try await BuildLayoutTests.files(of: report.images[0], in: "\(out)/child", scratch: out)
        #expect(manifest.layers.count == 2)
        #expect(try String(contentsOfFile: "\(root)/from-trigger.txt", encoding: .utf8) == "triggered\n")
        #expect(try String(contentsOfFile: "\(root)/base.txt", encoding: .utf8) == "base\n")

        let running = try BuildFixture.context("FROM scratch\nONBUILD RUN make\n")
        defer { TestImages.cleanup(running) }
        _ = try await BuildLayoutTests.build(running, platforms: ["linux/amd64"], output: "\(out)/running")
        let grandchild = try BuildFixture.context("FROM oci:\(out)/running:latest\n")
        defer { TestImages.cleanup(grandchild) }
        await #expect { _ = try await BuildLayoutTests.build(grandchild, platforms: ["linux/amd64"], output: "\(out)/gc") } throws: { error in
            (error as? XArchError)?.message.contains("ONBUILD trigger \"RUN make\"") == true
        }
    }

    @Test func heredocsBecomeFiles() async throws {
        let state = try await BuildFixture.state("""
            FROM scratch
            ENV NAME=world
            COPY <<EOF /etc/motd
            hello $NAME
            EOF
            COPY --chmod=755 <<'EOF' /usr/local/bin/
            #!/bin/sh
            echo $NAME
            EOF
            """)
        let motd = try #require(state.newLayers.first?["etc/motd"])
        #expect(motd.content == .bytes(Array("hello world\n".utf8)) && motd.mode == 0o644)
        let script = try #require(state.newLayers.last?["usr/local/bin/EOF"])
        #expect(script.content == .bytes(Array("#!/bin/sh\necho $NAME\n".utf8)) && script.mode == 0o755)
    }
}
