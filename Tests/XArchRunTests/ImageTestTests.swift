import Foundation
import Testing
import XArchModel
@testable import XArchRun
import XArchTestSupport

/// `ImageTest`: the process composed as `docker run` does, users resolved in the image, paths kept
/// inside the root, and every platform of a busybox index run for real.
struct ImageTestTests {
    static let all = BusyboxRoot.table.keys.sorted()
    static var canRunAll: Bool { all.allSatisfy(BusyboxRoot.canRun) }
    static let canCheckArm64 = BusyboxRoot.canRun("arm64") && Integration.hasFixture("busybox/amd64/busybox")

    /// A root with `etc/passwd`, `etc/group` and a few symlinks, made by hand.
    private func root() throws -> (paths: RootPaths, scratch: Scratch) {
        let scratch = try Scratch()
        let fm = FileManager.default
        try fm.createDirectory(atPath: scratch.rootfs + "/etc", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: scratch.rootfs + "/bin", withIntermediateDirectories: true)
        try "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
            .write(toFile: scratch.rootfs + "/etc/passwd", atomically: false, encoding: .utf8)
        try "root:x:0:\nstaff:x:50:nobody\nnogroup:x:65534:\n".write(toFile: scratch.rootfs + "/etc/group", atomically: false, encoding: .utf8)
        try "#!/bin/sh\n".write(toFile: scratch.rootfs + "/bin/busybox", atomically: false, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scratch.rootfs + "/bin/busybox")
        try fm.createSymbolicLink(atPath: scratch.rootfs + "/bin/sh", withDestinationPath: "/bin/busybox")
        try fm.createSymbolicLink(atPath: scratch.rootfs + "/etc/up", withDestinationPath: "../../../../..")
        return (RootPaths(root: scratch.rootfs), scratch)
    }

    @Test func processIsComposedAsDockerRunDoes() throws {
        let (paths, scratch) = try root()
        defer { scratch.remove() }
        let config = ContainerConfig(user: "nobody", env: ["A=1"], entrypoint: ["/bin/busybox"], cmd: ["echo", "hi"], workingDir: "srv")
        var options = ImageTestOptions()
        var process = try ImageProcess(config: config, options: options, hostname: "h", paths: paths)
        #expect(process.arguments == ["/bin/busybox", "echo", "hi"])
        #expect(process.environment == ["A=1", "PATH=\(ImageProcess.defaultPath)", "HOSTNAME=h", "HOME=/nonexistent"])
        #expect((process.uid, process.gid, process.groups, process.workingDirectory) == (65534, 65534, [50], "/srv"))
        options.command = ["uname", "-m"]
        options.environment = ["A=2", "B=3"]
        process = try ImageProcess(config: config, options: options, hostname: "h", paths: paths)
        #expect(process.arguments == ["/bin/busybox", "uname", "-m"])
        #expect(process.environment.suffix(2) == ["A=2", "B=3"] && !process.environment.contains("A=1"))
        options.command = []
        options.entrypoint = "/bin/sh"
        process = try ImageProcess(config: config, options: options, hostname: "h", paths: paths)
        #expect(process.arguments == ["/bin/sh"], "--entrypoint drops the image's Cmd")
        options.entrypoint = ""
        #expect(throws: XArchError.self) { try ImageProcess(config: config, options: options, hostname: "h", paths: paths) }
    }

    @Test func usersResolveInTheImageOnly() throws {
        let (paths, scratch) = try root()
        defer { scratch.remove() }
        let nobody = try UserIdentity("nobody:staff", paths: paths)
        #expect((nobody.uid, nobody.gid, nobody.groups) == (65534, 50, []))
        let numeric = try UserIdentity("1000:1000", paths: paths)
        #expect((numeric.uid, numeric.gid, numeric.home) == (1000, 1000, nil))
        let root = try UserIdentity("", paths: paths)
        #expect((root.uid, root.gid, root.home) == (0, 0, "/root"))
        #expect(throws: XArchError.self) { try UserIdentity("ghost", paths: paths) }
        #expect(throws: XArchError.self) { try UserIdentity("nobody:ghosts", paths: paths) }
    }

    @Test func pathsAreResolvedInsideTheRoot() throws {
        let (paths, scratch) = try root()
        defer { scratch.remove() }
        #expect(paths.resolve("/bin/sh") == "/bin/busybox")
        #expect(paths.resolve("/etc/up/etc/passwd") == "/etc/passwd", "a link climbing out stops at the root")
        #expect(paths.findProgram("sh", searchPath: "/usr/bin:/bin", workingDirectory: "/")?.real == "/bin/busybox")
        #expect(paths.findProgram("passwd", searchPath: "/etc", workingDirectory: "/") == nil, "not executable")
        #expect(paths.resolve("/nope") == nil)
    }

    @Test(.enabled(if: canRunAll, "needs every busybox fixture and a way to run each platform"))
    func everyPlatformRunsItsOwnBusybox() async throws {
        let images = BusyboxImages()
        var entries: [Descriptor] = []
        for arch in Self.all { entries.append(try await images.image(BusyboxRoot.platform(arch), busybox: arch)) }
        let image = try await images.index(entries, tag: "all")
        let cache = try Scratch()
        defer { cache.remove() }
        var options = ImageTestOptions()
        options.command = ["/bin/busybox", "uname", "-m"]
        let report = try await ImageTest(cache: RootFilesystemCache(directory: cache.path)).run(image, options: options)
        #expect(report.results.map(\.platform) == Self.all.map { BusyboxRoot.platform($0).formatted })
        for (arch, result) in zip(Self.all, report.results) {
            #expect(result.passed, "\(arch): \(result.reason ?? "")")
            #expect(result.stdout == BusyboxRoot.table[arch]!.machine + "\n", "\(arch)")
        }
        #expect((report.passed, report.failed, report.skipped) == (8, 0, 0))
    }

    @Test(.enabled(if: canCheckArm64, "needs the amd64 busybox fixture and a way to run arm64"))
    func foreignBinaryFailsWithoutRunning() async throws {
        let images = BusyboxImages()
        let arm64 = Platform(os: "linux", architecture: "arm64")
        let image = try await images.index([try await images.image(arm64, busybox: "amd64")], tag: "wrong")
        var options = ImageTestOptions()
        options.command = ["sh", "-c", "uname -m"]
        let report = try await ImageTest(cache: nil).run(image, options: options)
        let result = try #require(report.results.first)
        #expect(!result.passed && result.exitCode == nil && result.durationSeconds == 0)
        #expect(result.reason?.contains("/bin/busybox") == true && result.reason?.contains("x86-64") == true, "\(result.reason ?? "")")
    }

    @Test(.enabled(if: BusyboxRoot.canRun("amd64"), BusyboxRoot.reason("amd64")))
    func exitCodesOutputAndTimeouts() async throws {
        let images = BusyboxImages()
        let amd64 = Platform(os: "linux", architecture: "amd64")
        let image = try await images.index([try await images.image(amd64, busybox: "amd64")], tag: "t")
        let tester = ImageTest(cache: nil)
        var options = ImageTestOptions()
        options.command = ["/bin/busybox", "sh", "-c", "echo hello; exit 7"]
        options.expectedExit = 7
        #expect(try await tester.run(image, options: options).results[0].passed)
        options.expectedOutput = "^goodbye"
        let mismatch = try await tester.run(image, options: options).results[0]
        #expect(!mismatch.passed && mismatch.reason == "stdout does not match /^goodbye/")
        options = ImageTestOptions()
        options.command = ["/bin/busybox", "sleep", "30"]
        options.timeout = .seconds(1)
        let slow = try await tester.run(image, options: options).results[0]
        #expect(!slow.passed && slow.signal == "SIGKILL" && slow.reason?.contains("timed out") == true)
        #expect(slow.durationSeconds < 10)
    }
}
