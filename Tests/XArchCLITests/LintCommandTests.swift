import Foundation
import Testing
import XArch
import XArchCLI
import XArchModel
import XArchRegistry
import XArchTestSupport

/// `xarch lint` and `xarch dockerfile parse`, in-process; `--check-base` against the real test registry.
@Suite("lint command")
struct LintCommandTests {
    static func withDockerfile<T>(_ text: String, _ body: (String) async throws -> T) async throws -> T {
        let dir = try TestImages.temporaryDirectory("xarch-lint")
        defer { TestImages.cleanup(dir) }
        let path = dir + "/Dockerfile"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return try await body(path)
    }

    @Test func findingsExitThree() async throws {
        try await Self.withDockerfile("FROM --platform=linux/amd64 golang AS build\nFROM arm64v8/alpine\n") { path in
            let r = await CLIRun.run("lint", path)
            #expect(r.code == 3)
            #expect(r.stdout == """
                \(path):1:6 constant-platform FROM --platform=linux/amd64 pins stage "build" to linux/amd64; every image of a multi-platform build gets its linux/amd64 content
                \(path):2:6 arch-specific-repository image "arm64v8/alpine" comes from Docker Hub's arm64v8/ namespace, which holds linux/arm64 images only

                """)
            let errorsOnly = await CLIRun.run("lint", "--severity", "error", "--format", "json", path)
            #expect(errorsOnly.code == 3)
            #expect(errorsOnly.stdout.contains("\"rule\" : \"arch-specific-repository\""))
            #expect(!errorsOnly.stdout.contains("constant-platform"))
            let sarif = await CLIRun.run("lint", "--format", "sarif", path)
            #expect(sarif.stdout.contains("\"version\" : \"2.1.0\""))
        }
    }

    @Test func cleanFileExitsZero() async throws {
        try await Self.withDockerfile("FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build\nFROM alpine\n") { path in
            let r = await CLIRun.run("lint", path)
            #expect(r.code == 0)
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func parseErrorsNameTheLocation() async throws {
        try await Self.withDockerfile("FROM alpine\nRUN <<EOF\necho\n") { path in
            let r = await CLIRun.run("lint", path)
            #expect(r.code == 1)
            #expect(r.stderr == "xarch: \(path):2:1: unterminated heredoc\n")
        }
    }

    @Test func parsePrintsSExpressions() async throws {
        try await Self.withDockerfile("FROM alpine AS base\nENV A=1 B=\"2 3\"\nRUN <<EOF\necho hi\nEOF\n") { path in
            let r = await CLIRun.run("dockerfile", "parse", path)
            #expect(r.code == 0)
            #expect(r.stdout == "(from \"alpine\" \"AS\" \"base\")\n(env \"A\" \"1\" \"=\" \"B\" \"\\\"2 3\\\"\" \"=\")\n(run \"<<EOF\")\n")
            let json = await CLIRun.run("dockerfile", "parse", "--format", "json", path)
            #expect(json.stdout.contains("\"content\" : \"echo hi\\n\""))
        }
    }

    @Test func usageErrors() async {
        #expect(await CLIRun.run("lint").code == 2)
        #expect(await CLIRun.run("lint", "--check-base", "Dockerfile").code == 2)
        let help = await CLIRun.run("lint", "--help")
        #expect(help.code == 0 && help.stdout.contains("hardcoded-arch"))
    }

    /// `--check-base` against `fixtures/busybox:multi` (8 platforms, pushed by scripts/fixtures).
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))
    func checkBaseAgainstTheRegistry() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let image = "\(registry)/fixtures/busybox:multi"
        try await Self.withDockerfile("FROM \(image)\n") { path in
            let r = await CLIRun.run("lint", "--check-base", "--platform", "linux/amd64,linux/riscv64", path)
            #expect(r.code == 3)
            #expect(r.stdout.hasPrefix("\(path):1:6 base-missing-platform image \"\(image)\" has no linux/riscv64 image; it has linux/amd64, "))
            #expect(r.stdout.split(separator: "\n").count == 1)
            let ok = await CLIRun.run("lint", "--check-base", "--platform", "linux/amd64,linux/arm64,linux/s390x", path)
            #expect(ok.code == 0, "\(ok.stdout)\(ok.stderr)")
        }
        // A digest of one platform's manifest instead of the index.
        let session = RegistrySession(options: RegistryOptions())
        let report = try await Inspection.inspect(try ImageLocation(parsing: image), session: session).0
        await session.shutdown()
        let amd64 = try #require(report.platforms?.first { $0.platform == "linux/amd64" })
        let pinned = "\(registry)/fixtures/busybox@\(amd64.digest)"
        try await Self.withDockerfile("FROM \(pinned)\n") { path in
            let r = await CLIRun.run("lint", "--check-base", "--platform", "linux/amd64,linux/arm64", path)
            #expect(r.code == 3)
            #expect(r.stdout == """
                \(path):1:6 base-missing-platform image "\(pinned)" has no linux/arm64 image; it has linux/amd64
                \(path):1:6 platform-digest-pin image "\(pinned)" is pinned to the linux/amd64 image manifest, not to an index, so every platform of the build gets linux/amd64 content

                """)
        }
    }
}
