import Foundation
import Testing
import XArchArchive
import XArchModel
import XArchRun
import XArchTestSupport

/// Hostile layers (names climbing out, absolute names, symlinked parents pointing out of the root,
/// hard links to outside files) never create or change anything outside the target directory.
@Suite struct RootFilesystemContainmentTests {
    @Test(arguments: ["../x", "a/../../x", "../../../../tmp/xarch-escaped"])
    func namesClimbingOutAreRefused(name: String) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let layers = LayerStore()
        let layer = try await layers.layer([.file("fine", [1]), E(TarHeader(name: name, kind: .regular, mode: 0o644))])
        await expectUnpackError(["'\(name)'", layer.digest.description, "climbs out"]) {
            _ = try await RootFilesystem.unpack([layer], from: layers.store, into: scratch.rootfs)
        }
        #expect(scratch.outside().isEmpty, "nothing beside the target, not even the temporary tree")
        #expect(!RunFiles.exists(scratch.rootfs))
    }

    @Test func symlinkedParentsResolveInsideTheRoot() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.path + "/victim", withIntermediateDirectories: false)
        let layers = LayerStore()
        let first = try await layers.layer([
            .symlink("etc", to: "/"),
            .symlink("a", to: "../../.."),
            // The same absolute path exists inside the root: that is where the symlink leads.
            .directory(String(scratch.path.dropFirst()) + "/victim"),
            .symlink("out", to: scratch.path + "/victim"),
            .symlink("dangling", to: "/nowhere"),
            .symlink("loop", to: "loop"),
        ])
        let second = try await layers.layer([
            .file("etc/passwd", Array("root:x:0:0::/root:/bin/sh\n".utf8)),
            .file("a/b", [2]),
            .file("out/escaped", [3]),
            .file("loop/inside", [4]),
            .file("dangling/inside", [6]),
            .file("/abs", [5]),
        ])
        _ = try await RootFilesystem.unpack([first, second], from: layers.store, into: scratch.rootfs)
        let root = scratch.rootfs
        #expect(RunFiles.bytes(root + "/passwd") == Array("root:x:0:0::/root:/bin/sh\n".utf8), "etc -> / is the root's /")
        #expect(RunFiles.link(root + "/etc") == "/", "the symlink itself is kept")
        #expect(RunFiles.bytes(root + "/b") == [2], "a -> ../../.. stops at the root")
        #expect(RunFiles.bytes(root + scratch.path + "/victim/escaped") == [3], "an absolute target starts at the root")
        #expect(RunFiles.bytes(root + "/loop/inside") == [4], "a looping symlink in the way becomes a directory")
        #expect(RunFiles.bytes(root + "/dangling/inside") == [6], "so does a dangling one, as in the layer tree")
        #expect(!RunFiles.exists(root + "/nowhere"))
        #expect(RunFiles.bytes(root + "/abs") == [5])
        #expect(scratch.outside() == ["victim"], "the directory beside the target is untouched")
    }

    @Test func hardLinksOutsideTheRootAreRefused() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        _ = FileManager.default.createFile(atPath: scratch.path + "/secret", contents: Data([7]))
        let layers = LayerStore()
        let layer = try await layers.layer([.hardLink("shadow", to: "../../etc/shadow")])
        await expectUnpackError(["'shadow'", "outside the image root"]) {
            _ = try await RootFilesystem.unpack([layer], from: layers.store, into: scratch.rootfs)
        }
        // Through a symlinked parent, the target is looked up inside the root, where it does not exist.
        let viaLink = try await layers.layer([.symlink("up", to: "/.."), .hardLink("stolen", to: "up/secret")])
        await expectUnpackError(["'stolen'", "does not exist"]) {
            _ = try await RootFilesystem.unpack([viaLink], from: layers.store, into: scratch.rootfs)
        }
        let viaAbsolute = try await layers.layer([.symlink("host", to: scratch.path), .hardLink("stolen", to: "host/secret")])
        await expectUnpackError(["'stolen'", "does not exist"]) {
            _ = try await RootFilesystem.unpack([viaAbsolute], from: layers.store, into: scratch.rootfs)
        }
        #expect(scratch.outside() == ["secret"])
        #expect(RunFiles.bytes(scratch.path + "/secret") == [7])
    }

    @Test func whiteoutsThroughSymlinksStayInside() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        _ = FileManager.default.createFile(atPath: scratch.path + "/precious", contents: Data([1]))
        let layers = LayerStore()
        let first = try await layers.layer([.symlink("up", to: "../.."), .symlink("host", to: scratch.path)])
        let second = try await layers.layer([.whiteout("up/precious"), .whiteout("host/precious"), .opaque("host")])
        _ = try await RootFilesystem.unpack([first, second], from: layers.store, into: scratch.rootfs)
        #expect(RunFiles.bytes(scratch.path + "/precious") == [1])
        #expect(scratch.outside() == ["precious"])
    }
}
