import Foundation
import Testing
import XArchCLI

@Suite("xarch verify on the command line")
struct VerifyCommandTests {
    /// The buildah fixture layout (scripts/fixtures); the tests that read it skip when it is absent.
    static let layout: String? = {
        let root = ProcessInfo.processInfo.environment["XARCH_FIXTURES"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("fixtures").path
        let path = "\(root)/layouts/buildah-busybox"
        return FileManager.default.fileExists(atPath: "\(path)/index.json") ? path : nil
    }()

    @Test func helpNamesTheChecksAndExitThree() async {
        let r = await CLIRun.run("verify", "--help")
        #expect(r.code == 0 && r.stdout.contains("--require") && r.stdout.contains("Exit 3"))
    }

    @Test(.enabled(if: layout != nil)) func passingImageExitsZeroWithATable() async throws {
        let r = await CLIRun.run("verify", "oci:\(try #require(Self.layout)):multi", "--require", "linux/amd64,aarch64,armhf")
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout.contains("linux/mips64le") && r.stdout.contains("passed: 8 platforms scanned"))
    }

    @Test(.enabled(if: layout != nil)) func missingRequiredPlatformExitsThreeInJSONToo() async throws {
        let ref = "oci:\(try #require(Self.layout)):multi"
        let text = await CLIRun.run("verify", ref, "--require", "linux/riscv64", "--platform", "linux/arm64")
        #expect(text.code == 3 && text.stderr.contains("required platform linux/riscv64 is missing"))
        let json = await CLIRun.run("verify", ref, "--require", "linux/riscv64", "--platform", "linux/arm64", "--format", "json")
        #expect(json.code == 3)
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["passed"] as? Bool == false && (report?["platforms"] as? [Any])?.count == 1)
    }

    @Test func badPlatformIsAnErrorNamingIt() async {
        let r = await CLIRun.run("verify", "oci:/nonexistent", "--require", "linux/not-an-arch/x/y")
        #expect(r.code == 1 && r.stderr.contains("not-an-arch"))
    }
}
