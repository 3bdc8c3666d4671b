import Foundation
import Testing
import XArchArchive
import XArchModel
import XArchRun
import XArchTestSupport

/// `ImageTest` with `#!` scripts, the image's `USER`, and platforms this host cannot run.
struct ImageTestScriptTests {
    static let script = TarWriter.Entry.file("bin/run", Array("#!/bin/busybox sh\necho \"$(id -u) $HOME\"\n".utf8), mode: 0o755)
    static let amd64 = Platform(os: "linux", architecture: "amd64")

    @Test(.enabled(if: ImageTestTests.canCheckArm64, "needs the amd64 busybox fixture and a way to run arm64"))
    func scriptWithAForeignInterpreterFailsWithoutRunning() async throws {
        let images = BusyboxImages()
        let arm64 = Platform(os: "linux", architecture: "arm64")
        let image = try await images.index([try await images.image(arm64, busybox: "amd64", extra: [Self.script])], tag: "s")
        var options = ImageTestOptions()
        options.command = ["run"]
        let result = try #require(try await ImageTest(cache: nil).run(image, options: options).results.first)
        #expect(!result.passed && result.exitCode == nil)
        #expect(result.reason?.hasPrefix("/bin/run is a script for /bin/busybox: /bin/busybox is ELF 64-bit LSB x86-64") == true,
                "\(result.reason ?? "")")
    }

    @Test(.enabled(if: BusyboxRoot.canRun("amd64") && geteuid() == 0, "needs the amd64 busybox fixture, run as root"))
    func scriptRunsAsTheImagesUser() async throws {
        let images = BusyboxImages()
        let config = ContainerConfig(user: "nobody", cmd: ["/bin/run"])
        let image = try await images.index([try await images.image(Self.amd64, busybox: "amd64", config: config, extra: [Self.script])], tag: "u")
        let result = try #require(try await ImageTest(cache: nil).run(image, options: ImageTestOptions()).results.first)
        #expect(result.passed, "\(result.reason ?? "") \(result.stderr)")
        #expect(result.stdout == "65534 /nonexistent\n")
    }

    @Test(.enabled(if: Integration.hasFixture("busybox/amd64/busybox"), "needs the amd64 busybox fixture"))
    func platformsThatCannotRunAreSkippedAndFiltered() async throws {
        let images = BusyboxImages()
        let windows = Platform(os: "windows", architecture: "amd64")
        let entries = [try await images.image(windows, busybox: "amd64"), try await images.image(Self.amd64, busybox: "amd64")]
        let image = try await images.index(entries, tag: "w")
        var options = ImageTestOptions()
        options.platforms = [windows]
        let report = try await ImageTest(cache: nil).run(image, options: options)
        #expect(report.results.map(\.platform) == ["windows/amd64"])
        #expect(report.results[0].skipped && report.results[0].mode == "skipped" && report.skipped == 1)
        #expect(report.results[0].reason?.contains("only linux platforms") == true)
        options.platforms = [Platform(os: "linux", architecture: "riscv64")]
        await #expect(throws: XArchError.self) { try await ImageTest(cache: nil).run(image, options: options) }
    }
}
