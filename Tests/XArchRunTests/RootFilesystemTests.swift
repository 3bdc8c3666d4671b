import Foundation
import Testing
import XArchArchive
import XArchModel
import XArchRun
import XArchTestSupport

typealias E = TarWriter.Entry

@Suite struct RootFilesystemTests {
    @Test func unpacksFilesDirectoriesModesLinksAndTimes() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let layers = LayerStore()
        var tool = E.file("usr/bin/tool", Array("#!/bin/sh\n".utf8), mode: 0o4755)
        tool.header.modificationTime = 1_700_000_000
        var dir = E.directory("opt/ro", mode: 0o555)
        dir.header.modificationTime = 1_600_000_000
        var fifo = E(TarHeader(name: "run/pipe", kind: .fifo, mode: 0o666))
        fifo.header.modificationTime = 1_500_000_000
        let layer = try await layers.layer([
            .directory("usr"), .directory("usr/bin"), tool,
            dir, .file("opt/ro/inside", [1, 2, 3], mode: 0o600),
            .directory("tmp", mode: 0o1777),
            .symlink("bin", to: "usr/bin"),
            .hardLink("usr/bin/tool2", to: "usr/bin/tool"),
            fifo,
            .file("/abs/file", [9]),
        ])
        let report = try await RootFilesystem.unpack([layer], from: layers.store, into: scratch.rootfs)
        let root = scratch.rootfs
        #expect(report.layers == [layer.digest])
        #expect(RunFiles.bytes(root + "/usr/bin/tool") == Array("#!/bin/sh\n".utf8))
        #expect(RunFiles.mode(root + "/usr/bin/tool") == 0o4755)
        #expect(RunFiles.modificationTime(root + "/usr/bin/tool") == 1_700_000_000)
        #expect(RunFiles.mode(root + "/opt/ro") == 0o555)
        #expect(RunFiles.modificationTime(root + "/opt/ro") == 1_600_000_000, "applied after its contents")
        #expect(RunFiles.bytes(root + "/opt/ro/inside") == [1, 2, 3])
        #expect(RunFiles.mode(root + "/opt/ro/inside") == 0o600)
        #expect(RunFiles.mode(root + "/tmp") == 0o1777)
        #expect(RunFiles.link(root + "/bin") == "usr/bin")
        #expect(RunFiles.inode(root + "/usr/bin/tool2") == RunFiles.inode(root + "/usr/bin/tool"))
        #expect(RunFiles.format(root + "/run/pipe") == S_IFIFO)
        #expect(RunFiles.mode(root + "/run/pipe") == 0o666, "past the umask")
        #expect(RunFiles.mode(root + "/run") == 0o755, "a parent made on the way")
        #expect(RunFiles.bytes(root + "/abs/file") == [9], "an absolute name lands under the root")
        #expect(RunFiles.mode(root) == 0o755)
        #expect(scratch.outside().isEmpty, "no temporary directory is left beside the tree")
    }

    @Test func laterLayersReplaceAndMergeEarlierOnes() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let layers = LayerStore()
        let lower = try await layers.layer([
            .directory("etc"), .file("etc/keep", [1]), .file("etc/thing", [2]), .directory("data"), .file("data/x", [3]),
        ])
        let upper = try await layers.layer([
            .directory("etc"), .file("etc/new", [4]),
            .symlink("etc/thing", to: "keep"),
            .file("data", [5]),
        ])
        _ = try await RootFilesystem.unpack([lower, upper], from: layers.store, into: scratch.rootfs)
        let root = scratch.rootfs
        #expect(RunFiles.bytes(root + "/etc/keep") == [1], "a directory over a directory keeps its children")
        #expect(RunFiles.bytes(root + "/etc/new") == [4])
        #expect(RunFiles.link(root + "/etc/thing") == "keep", "a symlink replaces a file")
        #expect(RunFiles.bytes(root + "/data") == [5], "a file replaces a directory and its contents")
    }

    @Test func whiteoutsAndOpaqueDirectoriesHideLowerLayersOnly() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let layers = LayerStore()
        let lower = try await layers.layer([
            .directory("a"), .file("a/one", [1]), .directory("a/sub"), .file("a/sub/deep", [2]),
            .directory("b"), .file("b/gone", [3]), .file("b/stays", [4]),
            .directory("c"), .file("c/old", [5]),
        ])
        let upper = try await layers.layer([
            // Written before its own opaque marker: the layer's entries survive it.
            .directory("c"), .file("c/new", [6]), .opaque("c"),
            .whiteout("a"),
            .whiteout("b/gone"),
            .whiteout("missing/thing"),
        ])
        _ = try await RootFilesystem.unpack([lower, upper], from: layers.store, into: scratch.rootfs)
        let root = scratch.rootfs
        #expect(!RunFiles.exists(root + "/a"), "a whiteout deletes a directory with everything under it")
        #expect(!RunFiles.exists(root + "/b/gone"))
        #expect(RunFiles.bytes(root + "/b/stays") == [4])
        #expect(!RunFiles.exists(root + "/c/old"), "the opaque marker hides the lower layer's content")
        #expect(RunFiles.bytes(root + "/c/new") == [6], "but not the entries of its own layer")
        #expect(!RunFiles.exists(root + "/.wh.a") && !RunFiles.exists(root + "/c/.wh..wh..opq"))
    }

    static let owned: [E] = [.file("owned", [1], uid: 1234, gid: 5678), .directory("d", uid: 42, gid: 43)]
    static let deviceLayer: [E] = [
        .directory("dev"),
        E(TarHeader(name: "dev/null", kind: .characterDevice, mode: 0o666, deviceMajor: 1, deviceMinor: 3)),
    ]

    @Test(.enabled(if: RunFiles.canMakeDevices, "needs root with CAP_MKNOD in the initial user namespace"))
    func devicesAreCreatedWherePermitted() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let report = try await scratch.unpack(Self.deviceLayer)
        #expect(report.skipped.isEmpty)
        #expect(RunFiles.format(scratch.rootfs + "/dev/null") == S_IFCHR)
        #expect(RunFiles.mode(scratch.rootfs + "/dev/null") == 0o666)
    }

    @Test(.enabled(if: !RunFiles.canMakeDevices, "needs a process that may not create devices (a normal user, a user namespace)"))
    func devicesAreSkippedAndReportedElsewhere() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let report = try await scratch.unpack(Self.deviceLayer)
        #expect(report.skipped.map(\.path) == ["/dev/null"])
        #expect(!RunFiles.exists(scratch.rootfs + "/dev/null"))
        #expect(RunFiles.format(scratch.rootfs + "/dev") == S_IFDIR)
    }

    @Test(.enabled(if: geteuid() == 0 && RunFiles.mapsEveryID, "owners are applied only as root with every id mapped"))
    func ownersAreAppliedAsRoot() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let report = try await scratch.unpack(Self.owned)
        #expect(report.ownersApplied)
        #expect(report.ownersRefused == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.rootfs + "/owned")
        #expect(attributes[.ownerAccountID] as? Int == 1234)
        #expect(attributes[.groupOwnerAccountID] as? Int == 5678)
        let dir = try FileManager.default.attributesOfItem(atPath: scratch.rootfs + "/d")
        #expect(dir[.ownerAccountID] as? Int == 42)
    }

    @Test(.enabled(if: geteuid() == 0 && !RunFiles.mapsEveryID, "needs root in a user namespace that maps few ids"))
    func ownersRefusedInAUserNamespaceAreCounted() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let report = try await scratch.unpack(Self.owned)
        #expect(report.ownersApplied)
        #expect(report.ownersRefused == 2)
        #expect(RunFiles.bytes(scratch.rootfs + "/owned") == [1])
    }

    @Test(.enabled(if: geteuid() != 0, "runs as a normal user"))
    func ownersAreNotAppliedAsANormalUser() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let report = try await scratch.unpack(Self.owned)
        #expect(!report.ownersApplied)
        #expect(report.ownersRefused == 0)
        #expect(RunFiles.bytes(scratch.rootfs + "/owned") == [1])
    }

    @Test(.enabled(if: Integration.hasFixture("busybox/arm64/busybox"),
                   "needs fixtures/busybox/arm64/busybox (built by scripts/fixtures)"))
    func busyboxFixtureUnpacksWithItsBytes() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let bytes = try #require(RunFiles.bytes(Integration.fixturesRoot + "/busybox/arm64/busybox"))
        let layers = LayerStore()
        let layer = try await layers.layer([
            .directory("bin"), .file("bin/busybox", bytes, mode: 0o755), .symlink("bin/sh", to: "busybox"),
            .hardLink("bin/ls", to: "bin/busybox"),
        ])
        _ = try await RootFilesystem.unpack([layer], from: layers.store, into: scratch.rootfs)
        #expect(RunFiles.bytes(scratch.rootfs + "/bin/busybox") == bytes)
        #expect(RunFiles.bytes(scratch.rootfs + "/bin/sh") == bytes)
        #expect(RunFiles.bytes(scratch.rootfs + "/bin/ls") == bytes)
        #expect(RunFiles.mode(scratch.rootfs + "/bin/busybox") == 0o755)
    }
}
