import Foundation
import Testing
import XArchCLI

/// `xarch build` on the command line: help, usage errors, exit codes, JSON.
@Suite("xarch build command")
struct BuildCommandTests {
    static let hello = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/hello").path

    @Test func helpExplainsPlatformsAndOutputs() async {
        let r = await CLIRun.run("build", "--help")
        #expect(r.code == 0)
        for word in ["--platform", "--output", "--build-arg", "--target", "SOURCE_DATE_EPOCH", "RUN runs in a sandbox",
                     "--push-by-digest", "--metadata-file"] {
            #expect(r.stdout.contains(word), "help lacks \(word)")
        }
    }

    @Test(arguments: [
        ["build", "."],
        ["build", ".", "--platform", "linux/amd64"],
        ["build", ".", "--platform", "linux/amd64", "--output", "registry.example/app:1"],
        ["build", ".", "--platform", "linux/amd64", "-t", "oci:/tmp/x"],
        ["build", ".", "--platform", "linux/amd64", "--output", "oci:/tmp/x", "--build-arg", "=x"],
        ["build", ".", "--platform", "linux/amd64", "-t", "registry.example/app@sha256:" + String(repeating: "a", count: 64)],
    ])
    func usageErrorsExitTwo(arguments: [String]) async {
        let r = await CLIRun.run(arguments)
        #expect(r.code == 2, "\(arguments): \(r.stderr)")
        // Refused while parsing, so the usage shown is build's, not the root command's.
        #expect(!r.stderr.contains("xarch <subcommand>"), "\(arguments): \(r.stderr)")
    }

    @Test func buildsTheHelloExampleAsJSON() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-build-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = await CLIRun.run("build", Self.hello, "--platform", "linux/arm64,linux/s390x",
                                 "--output", "oci:\(dir):v1", "--format", "json")
        #expect(r.code == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let images = report?["images"] as? [[String: Any]]
        #expect(images?.compactMap { $0["platform"] as? String } == ["linux/arm64", "linux/s390x"])
        #expect((report?["digest"] as? String)?.hasPrefix("sha256:") == true)
    }

    @Test func aMissingBasePlatformExitsThree() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-build-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let first = await CLIRun.run("build", Self.hello, "--platform", "linux/amd64", "--output", "oci:\(dir)/base:v1")
        #expect(first.code == 0, "\(first.stderr)")
        try Data("FROM oci:\(dir)/base:v1\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/Dockerfile"))
        let r = await CLIRun.run("build", dir, "--platform", "linux/amd64,linux/arm64", "--output", "oci:\(dir)/out")
        #expect(r.code == 3)
        #expect(r.stderr.contains("has no image for linux/arm64 (it offers: linux/amd64)"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out"))
    }

    @Test func verifyPrintsItsLineAndAForeignBinaryExitsThree() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-build-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ok = await CLIRun.run("build", Self.hello, "--platform", "linux/riscv64,linux/386", "--verify", "--output", "oci:\(dir)/ok")
        #expect(ok.code == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("verified: 2 platforms, 2 files scanned (2 ELF), 0 warnings"))
        try FileManager.default.createDirectory(atPath: "\(dir)/ctx/bin/riscv64", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(Self.hello)/bin/linux-s390x/hello", toPath: "\(dir)/ctx/bin/riscv64/hello")
        try Data("FROM scratch\nARG TARGETARCH\nCOPY bin/${TARGETARCH}/hello /hello\n".utf8)
            .write(to: URL(fileURLWithPath: "\(dir)/ctx/Dockerfile"))
        let r = await CLIRun.run("build", "\(dir)/ctx", "--platform", "linux/riscv64", "--verify", "--output", "oci:\(dir)/out")
        #expect(r.code == 3, "\(r.stderr)")
        #expect(r.stderr.contains("expected linux/riscv64"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out"))
    }
}
