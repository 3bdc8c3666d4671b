import Foundation
import Testing
import XArchArchive
import XArchModel
@testable import XArchRun
import XArchTestSupport

/// The spec tests that run nothing: files in a tree unpacked by the real unpacker into a temporary
/// directory, modes in both notations, and configs made by hand.
struct TestSpecChecksTests {
    /// A tree with modes, owners and symlinks of every kind the checks meet.
    private func tree() async throws -> (paths: RootPaths, scratch: Scratch) {
        let scratch = try Scratch()
        _ = try await scratch.unpack([
            .directory("bin"), .file("bin/busybox", Array("\u{7f}ELF".utf8), mode: 0o755),
            .symlink("bin/sh", to: "busybox"), .file("bin/su", [], mode: 0o4755),
            .directory("tmp", mode: 0o1777),
            .directory("etc"), .file("etc/os-release", Array("ID=busybox\nNAME=\"BusyBox\"\n".utf8)),
            .file("etc/empty", []), .symlink("etc/up", to: "../../../.."), .symlink("etc/dangling", to: "/nowhere"),
            .directory("home"), .directory("home/app", mode: 0o750, uid: 1000, gid: 1001),
            .file("home/app/run", Array("#!/bin/sh\n".utf8), mode: 0o710, uid: 1000, gid: 1001),
            .directory("usr"), .symlink("usr/etc", to: "/etc"),
        ])
        return (RootPaths(root: scratch.rootfs), scratch)
    }

    private func existence(_ path: String, _ configure: (inout TestSpec.FileExistenceTest) -> Void = { _ in },
                           in paths: RootPaths, environment: [String] = [], ownersKnown: Bool = true) -> [String] {
        var test = TestSpec.FileExistenceTest(name: "t", path: path)
        configure(&test)
        return test.failures(in: paths, environment: environment, ownersKnown: ownersKnown)
    }

    @Test(arguments: [
        ("-rwxr-xr-x", "-", 0o755, "-rwxr-xr-x"), ("drwxr-xr-x", "d", 0o755, "drwxr-xr-x"),
        ("drwxrwxrwt", "d", 0o1777, "dtrwxrwxrwx"), ("-rwsr-xr-x", "-", 0o4755, "urwxr-xr-x"),
        ("-rwSr--r--", "-", 0o4644, "urw-r--r--"), ("-rwxr-sr-x", "-", 0o2755, "grwxr-xr-x"),
        ("lrwxrwxrwx", "l", 0o777, "Lrwxrwxrwx"), ("crw-rw-rw-", "c", 0o666, "Dcrw-rw-rw-"),
        ("brw-rw----", "b", 0o660, "Drw-rw----"), ("prw-r--r--", "p", 0o644, "prw-r--r--"),
        ("srwxrwxrwx", "s", 0o777, "Srwxrwxrwx"), ("drwxrwxrwT", "d", 0o1776, "dtrwxrwxrw-"),
    ] as [(String, Character, UInt16, String)])
    func modesParseInBothNotations(ls: String, type: Character, bits: UInt16, go: String) throws {
        let fromLS = try #require(FileModeText(parsing: ls))
        let fromGo = try #require(FileModeText(parsing: go))
        #expect(fromLS == fromGo)
        #expect((fromLS.type, fromLS.bits) == (type, bits))
        #expect(fromLS.ls == ls && fromLS.go == go)
        #expect(fromLS.written(like: "urwxr-xr-x") == go && fromLS.written(like: "-rwxr-xr-x") == ls)
    }

    @Test(arguments: ["755", "rwxr-xr-x", "-rwxr-xr-", "-rwxr-xr-xx", "xrwxr-xr-x", "-rwxr-xr-s", "Qrwxr-xr-x", "urwsr-xr-x", ""])
    func notModes(text: String) {
        #expect(FileModeText(parsing: text) == nil)
    }

    @Test func existenceAndPermissions() async throws {
        let (paths, scratch) = try await tree()
        defer { scratch.remove() }
        #expect(existence("/bin/busybox", { $0.permissions = "-rwxr-xr-x"; $0.isExecutableBy = .other }, in: paths).isEmpty)
        #expect(existence("/bin/sh", { $0.permissions = "Lrwxrwxrwx" }, in: paths).isEmpty, "the link itself, as CST sees it")
        #expect(existence("/bin/su", { $0.permissions = "-rwsr-xr-x" }, in: paths).isEmpty)
        #expect(existence("/bin/su", { $0.permissions = "urwxr-xr-x" }, in: paths).isEmpty)
        #expect(existence("/tmp", { $0.permissions = "drwxrwxrwt" }, in: paths).isEmpty)
        #expect(existence("/bin/su", { $0.permissions = "-rwxr-xr-x" }, in: paths) == ["/bin/su has permissions -rwsr-xr-x, expected -rwxr-xr-x"])
        #expect(existence("/tmp", { $0.permissions = "drwxrwxrwx" }, in: paths) == ["/tmp has permissions drwxrwxrwt, expected drwxrwxrwx"])
        #expect(existence("/tmp", { $0.permissions = "drwxr-xr-x" }, in: paths) == ["/tmp has permissions drwxrwxrwt, expected drwxr-xr-x"])
        #expect(existence("/bin/sh", { $0.permissions = "-rwxrwxrwx" }, in: paths) == ["/bin/sh has permissions lrwxrwxrwx, expected -rwxrwxrwx"])
        #expect(existence("/etc/dangling", in: paths).isEmpty, "a dangling link exists")
        #expect(existence("/usr/etc/os-release", in: paths).isEmpty, "a symlinked directory is followed inside the root")
        #expect(existence("/bin/bash", in: paths) == ["/bin/bash does not exist"])
        #expect(existence("/bin/bash", { $0.shouldExist = false }, in: paths).isEmpty)
        #expect(existence("/bin/sh", { $0.shouldExist = false }, in: paths) == ["/bin/sh exists, and should not"])
        #expect(existence("/home/app/run", { $0.isExecutableBy = .group }, in: paths).isEmpty)
        #expect(existence("/home/app/run", { $0.isExecutableBy = .other }, in: paths) == ["/home/app/run (-rwx--x---) is not executable by other"])
        #expect(existence("/etc/os-release", { $0.isExecutableBy = .any }, in: paths) == ["/etc/os-release (-rw-r--r--) is not executable by any"])
        #expect(existence("$APP/run", in: paths, environment: ["APP=/home/app"]).isEmpty, "$NAME expanded from the image's Env")
    }

    @Test func pathsStayInsideTheRoot() async throws {
        let (paths, scratch) = try await tree()
        defer { scratch.remove() }
        // etc/up climbs out: resolved inside, it is the root itself, so /etc/up/etc/os-release is the image's.
        #expect(existence("/etc/up/etc/os-release", in: paths).isEmpty)
        #expect(existence("/../../../etc/os-release", in: paths).isEmpty)
        // The host has /etc/hostname (and scratch's parent has other files); the image does not.
        #expect(existence("/etc/up/etc/hostname", in: paths) == ["/etc/up/etc/hostname does not exist"])
        #expect(existence("/../../etc/hostname", in: paths) == ["/../../etc/hostname does not exist"])
        var content = TestSpec.FileContentTest(name: "c", path: "/etc/up/../../etc/os-release")
        content.expectedContents = ["^ID=busybox$"]
        #expect(content.failures(in: paths, environment: []).isEmpty)
    }

    @Test(.enabled(if: geteuid() == 0, "owners are applied to an unpacked tree only when running as root"))
    func ownersAreTheImages() async throws {
        let (paths, scratch) = try await tree()
        defer { scratch.remove() }
        #expect(existence("/home/app", { $0.uid = 1000; $0.gid = 1001 }, in: paths).isEmpty)
        #expect(existence("/home/app/run", { $0.uid = 0; $0.gid = 1001 }, in: paths) == ["/home/app/run is owned by user 1000, expected 0"])
        #expect(existence("/bin/busybox", { $0.uid = 0; $0.gid = 0 }, in: paths).isEmpty)
    }

    @Test func ownersUnknownAreNotGuessed() async throws {
        let (paths, scratch) = try await tree()
        defer { scratch.remove() }
        #expect(existence("/home/app", { $0.uid = 1000 }, in: paths, ownersKnown: false)
                == ["the user owning /home/app is unknown here: owners are only applied when xarch runs as root"])
    }

    @Test func contents() async throws {
        let (paths, scratch) = try await tree()
        defer { scratch.remove() }
        func check(_ path: String, expected: [String] = [], excluded: [String] = []) -> [String] {
            var test = TestSpec.FileContentTest(name: "c", path: path)
            test.expectedContents = expected
            test.excludedContents = excluded
            return test.failures(in: paths, environment: ["ETC=/etc"])
        }
        #expect(check("/etc/os-release", expected: ["^NAME=\"BusyBox\"$", "ID=busy"], excluded: ["debian"]).isEmpty)
        #expect(check("/usr/etc/os-release", expected: ["BusyBox"]).isEmpty, "symlinks followed inside the root")
        #expect(check("${ETC}/os-release", expected: ["BusyBox"]).isEmpty)
        #expect(check("/etc/os-release", expected: ["^debian"], excluded: ["^ID="])
                == ["/etc/os-release does not match /^debian/", "/etc/os-release matches /^ID=/, which is excluded"])
        #expect(check("/etc/empty", excluded: ["."]).isEmpty, "an empty file is read, and empty")
        #expect(check("/etc/empty", expected: ["^$"]).isEmpty)
        #expect(check("/etc", expected: ["x"]) == ["/etc is a directory, not a file to read"])
        #expect(check("/etc/dangling") == ["/etc/dangling does not exist"])
        #expect(check("/nope") == ["/nope does not exist"])
    }

    @Test func metadata() throws {
        let config = ContainerConfig(user: "app", exposedPorts: ["8080/tcp": .object([:]), "53/udp": .object([:])],
                                     env: ["PATH=/usr/bin:/bin", "VERSION=1.2.3"], entrypoint: ["/entry"], cmd: ["serve", "-v"],
                                     volumes: ["/data": .object([:])], workingDir: "/srv",
                                     labels: ["org.opencontainers.image.version": "1.2.3", "vendor": "ACME"])
        var test = TestSpec.MetadataTest()
        test.envVars = [.init(key: "VERSION", value: "1.2.3"), .init(key: "PATH", value: "/bin$", isRegex: true)]
        test.labels = [.init(key: "vendor", value: "ACME"), .init(key: "org.opencontainers.image.version", value: #"^\d+\.\d+"#, isRegex: true)]
        test.exposedPorts = ["8080", "8080/tcp", "53", "53/udp"]
        test.unexposedPorts = ["22", "53/tcp", "8080/udp"]
        test.volumes = ["/data"]
        test.unmountedVolumes = ["/var/lib"]
        test.entrypoint = ["/entry"]
        test.cmd = ["serve", "-v"]
        test.workdir = "/srv"
        test.user = "app"
        #expect(test.failures(in: config) == [])

        var wrong = TestSpec.MetadataTest()
        wrong.envVars = [.init(key: "VERSION", value: "1.2"), .init(key: "HOME", value: "/")]
        wrong.labels = [.init(key: "vendor", value: "^acme$", isRegex: true)]
        wrong.exposedPorts = ["8080/udp"]
        wrong.unexposedPorts = ["53"]
        wrong.volumes = ["/logs"]
        wrong.unmountedVolumes = ["/data"]
        wrong.entrypoint = []
        wrong.cmd = ["serve"]
        wrong.workdir = "/app"
        wrong.user = "root"
        #expect(wrong.failures(in: config) == [
            "variable VERSION is \"1.2.3\", expected \"1.2\"",
            "variable HOME is not in the image's Env",
            "label vendor is \"ACME\", expected /^acme$/",
            "port 8080/udp is not exposed (ExposedPorts: [\"53/udp\", \"8080/tcp\"])",
            "port 53 is exposed, and should not be",
            "volume /logs is not declared (Volumes: [\"/data\"])",
            "volume /data is declared, and should not be",
            "Entrypoint is [\"/entry\"], expected []",
            "Cmd is [\"serve\", \"-v\"], expected [\"serve\"]",
            "WorkingDir is \"/srv\", expected \"/app\"",
            "User is \"app\", expected \"root\"",
        ])
        var none = TestSpec.MetadataTest()
        none.entrypoint = []
        none.cmd = []
        none.workdir = ""
        #expect(none.failures(in: nil).isEmpty, "no config: no Entrypoint, no Cmd; an empty workdir is not checked (CST)")
    }

    @Test(arguments: [
        ("$PATH:/extra", "/usr/bin:/bin:/extra"), ("${HOME}/x", "/root/x"), ("$UNSET and ${UNSET}", "$UNSET and ${UNSET}"),
        ("cost: $5, $$", "cost: $5, $$"), ("end $", "end $"), ("${", "${"), ("$HOME_DIR", "$HOME_DIR"), ("a$HOME.b", "a/root.b"),
    ])
    func variablesExpandFromTheEnvironment(text: String, expanded: String) {
        #expect(SpecVariables.expand(text, in: ["PATH=/usr/bin:/bin", "HOME=/root"]) == expanded)
    }
}
