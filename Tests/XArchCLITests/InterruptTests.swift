import Foundation
import Testing
import XArchTestSupport

/// Ctrl-C during a build, with the real `xarch` executable: it exits 130 and leaves none of its work
/// files behind.
@Suite struct InterruptTests {
    @Test func anInterruptedBuildRemovesItsWorkDirectory() async throws {
        let xarch = try Executables.find("xarch", override: "XARCH_EXECUTABLE")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cli-interrupt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tmp = "\(root)/tmp", context = "\(root)/context"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        // 96 MiB of random bytes: a gzip pass long enough to be interrupted.
        try await Peer.run("sh", ["-c", "head -c 100663296 /dev/urandom > '\(context)/blob' && printf 'FROM scratch\\nCOPY blob /blob\\n' > '\(context)/Dockerfile'"])

        let process = Process()
        process.executableURL = xarch
        process.arguments = ["build", context, "--platform", "linux/amd64", "--output", "oci:\(root)/out"]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: "\(root)/stderr", contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(root)/stderr"))
        try process.run()
        // Wait until the build has its work directory, then interrupt it.
        var started = false
        for _ in 0..<2400 where !started && process.isRunning {
            started = try FileManager.default.contentsOfDirectory(atPath: tmp).contains { $0.hasPrefix("xarch-build-") }
            if !started { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        #expect(started || !process.isRunning, "the build never created its work directory in TMPDIR")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: "\(root)/stderr", encoding: .utf8)) ?? ""
        guard started else {
            #expect(process.terminationStatus == 0, "xarch ended before its work directory appeared: \(stderr)")
            return
        }
        // It may have finished before the signal arrived; nothing to check about an interruption then.
        if process.terminationStatus == 0 { return }
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
    }
}
