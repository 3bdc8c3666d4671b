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
}
