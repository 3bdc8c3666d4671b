import Foundation
import Testing
@testable import XArchRun
import XArchTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What a killed xarch leaves is recognised by the owner pid in its name and removed by the next run.
struct StaleWorkTests {
    /// The pid of a process that ran and was reaped: gone.
    static func deadPid() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    static func make(_ path: String, age: TimeInterval) throws {
        try FileManager.default.createDirectory(atPath: path + "/usr/bin", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: path + "/usr/bin/file"))
        chmod(path + "/usr/bin", 0o555) // read-only directories too
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: path)
    }

    @Test func namesCarryTheOwner() {
        let name = StaleWork.name("xarch-rootfs-")
        #expect(StaleWork.owner(of: name, marker: "xarch-rootfs-") == getpid())
        #expect(StaleWork.owner(of: "abc123.tmp-42-ff00", marker: ".tmp-") == 42)
        #expect(StaleWork.owner(of: "abc123.tmp-ff00", marker: ".tmp-") == nil, "the old unnamed form is not guessed at")
        #expect(StaleWork.owner(of: "xarch-sandbox-x-1", marker: "xarch-sandbox-") == nil)
    }

    @Test func onlyOldWorkOfGoneProcessesIsRemoved() throws {
        let directory = try TestImages.temporaryDirectory("xarch-stale")
        defer { try? FileTree.remove(path: directory) }
        let dead = try Self.deadPid(), alive = getppid()
        try Self.make("\(directory)/xarch-rootfs-\(dead)-aa", age: 3600)
        try Self.make("\(directory)/xarch-rootfs-\(dead)-young", age: 0)
        try Self.make("\(directory)/xarch-rootfs-\(alive)-bb", age: 3600)
        try Self.make("\(directory)/key.tmp-\(dead)-cc", age: 3600)
        try Self.make("\(directory)/other-\(dead)-dd", age: 3600)
        #expect(StaleWork.sweep(directory, marker: "xarch-rootfs-") == ["xarch-rootfs-\(dead)-aa"])
        #expect(StaleWork.sweep(directory, marker: ".tmp-") == ["key.tmp-\(dead)-cc"])
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        #expect(left == ["other-\(dead)-dd", "xarch-rootfs-\(alive)-bb", "xarch-rootfs-\(dead)-young"])
    }
}
