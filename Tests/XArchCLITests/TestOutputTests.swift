import Foundation
import Testing
@testable import XArchCLI
import XArchModel
import XArchRun

/// `xarch test`'s output and verdict, from reports made by hand.
@Suite("xarch test output")
struct TestOutputTests {
    static func result(_ platform: String, _ status: ImageTestResult.Status, stdout: String = "") -> ImageTestResult {
        var r = ImageTestResult(platform: platform, digest: "sha256:" + String(repeating: "a", count: 64))
        r.passed = status == .pass
        r.skipped = status == .skipped
        r.reason = status == .pass ? nil : "why <&\"'> \u{1}"
        r.exitCode = status == .skipped ? nil : 0
        r.stdout = stdout
        return r
    }

    static func report(_ statuses: ImageTestResult.Status...) -> ImageTestReport {
        ImageTestReport(reference: "oci:x:<y>", digest: "sha256:b",
                        results: statuses.enumerated().map { result("linux/p\($0.offset)", $0.element, stdout: "a&b\n") })
    }

    @Test func verdictIsZeroThreeOrOne() throws {
        try TestOutput.verdict(Self.report(.pass, .skipped))
        #expect(throws: XArchError.self) { try TestOutput.verdict(Self.report(.pass, .fail)) }
        do { try TestOutput.verdict(Self.report(.pass, .fail)) } catch let e as XArchError { #expect(e.code == .checkFailed) }
        #expect(throws: XArchError.self) { try TestOutput.verdict(Self.report(.skipped, .skipped)) }
        do { try TestOutput.verdict(Self.report(.skipped, .skipped)) } catch let e as XArchError { #expect(e.code != .checkFailed) }
    }

    @Test func junitIsEscaped() {
        let xml = TestOutput.junit(Self.report(.pass, .fail, .skipped))
        #expect(xml.contains("<testsuite name=\"oci:x:&lt;y&gt;\" tests=\"3\" failures=\"1\" skipped=\"1\""))
        #expect(xml.contains("<failure message=\"why &lt;&amp;&quot;&apos;&gt; \u{FFFD}\">exit 0</failure>"))
        #expect(xml.contains("<skipped message=\"why"))
        #expect(xml.contains("<system-out>a&amp;b\n</system-out>"))
    }

    @Test func emulatorIsNameAndVersion() {
        let e = ImageTestResult.Emulator(path: "/usr/bin/qemu-arm-static", version: "qemu-arm version 7.2.22 (Debian)", cpu: nil)
        #expect(TestOutput.emulator(e) == "qemu-arm-static 7.2.22")
        #expect(TestOutput.emulator(nil) == "-")
    }

    /// A spec's report made by hand: a platform that failed one command test and one file test, a
    /// platform that passed, and one skipped with its tests listed.
    static func specReport() -> ImageTestReport {
        var command = SpecTestResult(name: "uname", kind: .command, failures: ["exit 1, expected exit 0"], durationSeconds: 0.5)
        command.exitCode = 1
        command.stdout = (1...12).map { "line \($0)" }.joined(separator: "\n") + "\n"
        command.stderr = "oops\n"
        let file = SpecTestResult(name: "config <&>", kind: .fileExistence, failures: ["/etc/app does not exist"])
        let passed = SpecTestResult(name: "passwd", kind: .fileContent, failures: [], durationSeconds: 0.25)
        var failing = result("linux/amd64", .fail)
        failing.tests = [command, file, passed]
        var passing = result("linux/arm64", .pass)
        passing.tests = [passed]
        var skipped = result("linux/s390x", .skipped)
        skipped.tests = [SpecTestResult(name: "uname", kind: .command, skipped: "no qemu-s390x-static")]
        return ImageTestReport(reference: "oci:x", digest: "sha256:b", results: [failing, passing, skipped])
    }

    @Test func textWithASpecNamesEachFailedTest() {
        let out = TextBuffer()
        TestOutput.text(Self.specReport(), CommandContext(stdout: out, stderr: TextBuffer()))
        let lines = out.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1].hasPrefix("PLATFORM") && lines[1].contains("TESTS") && !lines[1].contains("EXIT"))
        #expect(lines[2].contains("1/3 passed") && lines[3].contains("1/1 passed") && lines[4].contains("skipped  -"))
        #expect(Array(lines[5...]) == [
            "linux/amd64: uname: exit 1, expected exit 0",
            "  stdout:",
        ] + (3...12).map { "    line \($0)" } + [
            "  stderr:",
            "    oops",
            "linux/amd64: config <&>: /etc/app does not exist",
            "linux/s390x: why <&\"'> \\u{1}",  // a control character from outside is shown, not obeyed
            "1 passed, 1 failed, 1 skipped",
            "",
        ])
    }

    @Test func junitWithASpecHasOneTestcasePerPlatformAndTest() {
        let xml = TestOutput.junit(Self.specReport())
        #expect(xml.contains("<testsuite name=\"oci:x\" tests=\"5\" failures=\"2\" skipped=\"1\" time=\"1.000\">"))
        #expect(xml.contains("<testcase name=\"linux/amd64: uname\" classname=\"linux/amd64\" time=\"0.500\">\n"
            + "      <failure message=\"exit 1, expected exit 0\">exit 1</failure>\n"))
        #expect(xml.contains("<testcase name=\"linux/amd64: config &lt;&amp;&gt;\" classname=\"linux/amd64\" time=\"0.000\">\n"
            + "      <failure message=\"/etc/app does not exist\">/etc/app does not exist</failure>\n"))
        #expect(xml.contains("<testcase name=\"linux/arm64: passwd\" classname=\"linux/arm64\""))
        #expect(xml.contains("<testcase name=\"linux/s390x: uname\" classname=\"linux/s390x\" time=\"0.000\">\n"
            + "      <skipped message=\"no qemu-s390x-static\"/>\n"))
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 5)
    }
}

/// What came from outside never drives the terminal (issue 18, "Security").
@Suite struct TerminalTextTests {
    @Test func controlCharactersAreShownNotObeyed() {
        let hostile = "ok\u{1B}]0;owned\u{07}\u{1B}[2J\rxarch: forged\u{9B}31m\u{7F}"
        let shown = TerminalText.escaped(hostile)
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" || (0x7f...0x9f).contains($0.value) })
        #expect(shown == "ok\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{d}xarch: forged\\u{9b}31m\\u{7f}")
        #expect(TerminalText.escaped("two\nlines\twith tab") == "two\nlines\twith tab")
        #expect(TerminalText.escaped("a\nb", keepNewlines: false) == "a\\u{a}b")
        #expect(TerminalText.escaped("ünïcödé ✓") == "ünïcödé ✓")
    }

    /// A failing command's output is printed escaped in the text report.
    @Test func aCommandsOutputIsEscapedInTheTextReport() {
        var result = ImageTestResult(platform: "linux/amd64", digest: "sha256:" + String(repeating: "0", count: 64))
        result.reason = "exit 1, expected exit 0"
        result.exitCode = 1
        result.stdout = "before\u{1B}[2Jafter\n"
        let report = ImageTestReport(reference: "oci:x:y", digest: result.digest, results: [result])
        let out = TextBuffer()
        TestOutput.text(report, CommandContext(stdout: out, stderr: TextBuffer()))
        #expect(out.text.contains("before\\u{1b}[2Jafter") && !out.text.contains("\u{1B}[2J"), "\(out.text)")
    }
}
