import Foundation
import Testing
import XArchCLI
import XArchTestSupport

@Suite("xarch verify on the command line")
struct VerifyCommandTests {
    /// The buildah fixture layout (scripts/fixtures); the tests that read it skip when it is absent.
    static let layout = "\(Integration.fixturesRoot)/layouts/buildah-busybox"

    @Test func helpNamesTheChecksAndExitThree() async {
        let r = await CLIRun.run("verify", "--help")
        #expect(r.code == 0 && r.stdout.contains("--require") && r.stdout.contains("Exit 3"))
    }

    @Test(.requiresFixture("layouts/buildah-busybox/index.json")) func passingImageExitsZeroWithATable() async throws {
        let r = await CLIRun.run("verify", "oci:\(Self.layout):multi", "--require", "linux/amd64,aarch64,armhf")
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout.contains("linux/mips64le") && r.stdout.contains("passed: 8 platforms scanned"))
    }

    @Test(.requiresFixture("layouts/buildah-busybox/index.json")) func missingRequiredPlatformExitsThreeInJSONToo() async throws {
        let ref = "oci:\(Self.layout):multi"
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
