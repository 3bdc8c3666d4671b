import Foundation
import Testing
import XArchCLI

/// Runs the CLI in-process and captures its output and exit code.
struct CLIRun {
    let code: Int32
    let stdout: String
    let stderr: String

    static func run(_ arguments: String...) async -> CLIRun {
        await run(arguments)
    }

    static func run(_ arguments: [String]) async -> CLIRun {
        let out = TextBuffer(), err = TextBuffer()
        let code = await XArchCommand.run(arguments: arguments, stdout: out, stderr: err)
        return CLIRun(code: code, stdout: out.text, stderr: err.text)
    }
}

@Suite("command line")
struct CLITests {
    @Test(arguments: [["--help"], ["inspect", "--help"], ["resolve", "--help"], ["platforms", "--help"],
                      ["platform", "normalize", "--help"]])
    func helpExitsZeroAndExplains(arguments: [String]) async {
        let r = await CLIRun.run(arguments)
        #expect(r.code == 0)
        #expect(r.stdout.contains("USAGE: xarch"))
    }

    @Test func topLevelHelpNamesEveryCommandAndTheExitCodes() async {
        let r = await CLIRun.run("--help")
        for word in ["platforms", "platform", "inspect", "resolve", "oci:PATH", "3 a check did not"] {
            #expect(r.stdout.contains(word), "help lacks \(word)")
        }
    }

    @Test func resolveHelpExplainsExitThree() async {
        let r = await CLIRun.run("resolve", "--help")
        #expect(r.stdout.contains("--explain"))
        #expect(r.stdout.contains("Exit 3"))
    }

    @Test(arguments: [["--bogus"], ["resolve"], ["inspect"], ["platform", "normalize"], ["nosuchcommand"],
                      ["inspect", "--format", "yaml", "oci:x"]])
    func usageErrorsExitTwo(arguments: [String]) async {
        let r = await CLIRun.run(arguments)
        #expect(r.code == 2, "\(arguments): \(r.stderr)")
        #expect(!r.stderr.isEmpty)
    }

    @Test func normalizePrintsOnePerLine() async {
        let r = await CLIRun.run("platform", "normalize", "aarch64", "armhf", "x86_64", "i386", "linux/arm64/v8")
        #expect(r.code == 0)
        #expect(r.stdout == "linux/arm64\nlinux/arm/v7\nlinux/amd64\nlinux/386\nlinux/arm64\n")
    }

    @Test func normalizeJSON() async throws {
        let r = await CLIRun.run("platform", "normalize", "--format", "json", "armel")
        #expect(r.code == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(json?.first?["input"] as? String == "armel")
        #expect(json?.first?["normalized"] as? String == "linux/arm/v6")
    }

    @Test func badPlatformIsAnOperationalErrorNamingIt() async {
        let r = await CLIRun.run("platform", "normalize", "linux/arm64/v8/extra")
        #expect(r.code == 1)
        #expect(r.stderr.hasPrefix("xarch: "))
        #expect(r.stderr.contains("linux/arm64/v8/extra"))
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
    }

    @Test func platformsReportsTheHostFirst() async throws {
        let r = await CLIRun.run("platforms", "--format", "json")
        #expect(r.code == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let host = json?["host"] as? String ?? ""
        let compatible = json?["compatible"] as? [String] ?? []
        #expect(host.hasPrefix("linux/"))
        #expect(compatible.first.map { host.hasPrefix($0) } == true, "\(host) vs \(compatible)")
        // Every listed platform has a mode; the host's own runs natively; a skipped one says why.
        let runnable = json?["runnable"] as? [[String: Any]] ?? []
        #expect(runnable.count == 11)
        #expect(runnable.allSatisfy { ["native", "binfmt-userns", "skipped"].contains($0["mode"] as? String ?? "") })
        #expect(runnable.first { ($0["platform"] as? String).map { host.hasPrefix($0) } == true }?["mode"] as? String == "native")
        #expect(runnable.filter { $0["mode"] as? String == "skipped" }.allSatisfy { !($0["reason"] as? String ?? "").isEmpty })
        #expect(runnable.filter { $0["mode"] as? String == "binfmt-userns" }.allSatisfy { $0["emulator"] is String })
    }

    @Test func missingLayoutIsOneLineExitOne() async {
        let r = await CLIRun.run("inspect", "oci:/nonexistent/layout:tag")
        #expect(r.code == 1)
        #expect(r.stderr.contains("/nonexistent/layout"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func badReferenceNamesTheProblem() async {
        let r = await CLIRun.run("inspect", "Foo/Bar:1")
        #expect(r.code == 1)
        #expect(r.stderr.contains("lowercase"))
    }
}
