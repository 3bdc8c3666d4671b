import ArgumentParser
import Foundation
import XArchModel
import XArchRun

/// `xarch test --format`: text (a table), json (the report), junit (JUnit XML for CI test tabs).
enum TestFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit
}

/// The output of `xarch test`.
enum TestOutput {
    /// Lines of stdout and stderr shown for a failure in text output.
    static let tailLines = 10

    static func print(_ report: ImageTestReport, format: TestFormat, _ context: CommandContext) throws {
        switch format {
        case .json: try context.printJSON(report)
        case .junit: context.stdout.write(junit(report))
        case .text: text(report, context)
        }
    }

    /// Exit 3 when a platform failed (or, with `requireAll`, was skipped), 1 when none could be run;
    /// otherwise returns.
    static func verdict(_ report: ImageTestReport, requireAll: Bool = false) throws {
        if report.failed > 0 {
            throw XArchError(.checkFailed, "\(report.failed) of \(report.results.count) platforms failed")
        }
        if requireAll, report.skipped > 0 {
            throw XArchError(.checkFailed, "\(report.skipped) of \(report.results.count) platforms could not run here (--require-all)")
        }
        if report.passed == 0 {
            throw XArchError(.unsupported, "no platform could be run here (\(report.skipped) skipped)")
        }
    }

    static func text(_ r: ImageTestReport, _ context: CommandContext) {
        context.print("testing \(r.reference) (\(r.digest))")
        // With a spec, the column counts the tests that passed instead of showing one exit code.
        let withTests = r.results.contains { $0.tests != nil }
        var table = Table("PLATFORM", "DIGEST", "MODE", "EMULATOR", "RESULT", withTests ? "TESTS" : "EXIT", "TIME")
        for p in r.results {
            let result: String = switch p.status {
            case .pass: context.style("pass", .green)
            case .fail: context.style("fail", .red)
            case .skipped: context.style("skipped", .yellow)
            }
            let outcome = p.tests.map { $0.isEmpty || p.skipped ? "-" : "\($0.filter(\.passed).count)/\($0.count) passed" } ?? p.outcome
            table.add(TerminalText.escaped(p.platform, keepNewlines: false), TerminalText.escaped(String(p.digest.prefix(19)), keepNewlines: false), p.mode, emulator(p.emulator), result, outcome,
                      String(format: "%.2fs", p.durationSeconds))
        }
        for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print(line) }
        for p in r.results where p.status != .pass {
            guard p.status == .fail, let tests = p.tests, !tests.isEmpty else {
                context.print(TerminalText.escaped("\(p.platform): \(p.reason ?? p.status.rawValue)"))
                if p.status == .fail { tail(stdout: p.stdout, stderr: p.stderr, context) }
                continue
            }
            for test in tests where test.status == .fail {
                context.print(TerminalText.escaped("\(p.platform): \(test.name): \(test.reason ?? "failed")"))
                tail(stdout: test.stdout ?? "", stderr: test.stderr ?? "", context)
            }
        }
        context.print("\(r.passed) passed, \(r.failed) failed, \(r.skipped) skipped")
    }

    /// The last lines of a failed command's output.
    private static func tail(stdout: String, stderr: String, _ context: CommandContext) {
        for (name, text) in [("stdout", stdout), ("stderr", stderr)] where !text.isEmpty {
            context.print("  \(name):")
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).suffix(tailLines + 1).dropLast(text.hasSuffix("\n") ? 1 : 0) {
                context.print("    \(TerminalText.escaped(String(line)))")
            }
        }
    }

    /// `qemu-aarch64-static 7.2.22`, or `-`.
    static func emulator(_ emulator: ImageTestResult.Emulator?) -> String {
        guard let emulator else { return "-" }
        let name = emulator.path.split(separator: "/").last.map(String.init) ?? emulator.path
        guard let words = emulator.version?.split(separator: " "), let i = words.firstIndex(of: "version"), i + 1 < words.count else {
            return name
        }
        return "\(name) \(words[i + 1])"
    }

    /// One `<testcase>` of the JUnit output.
    struct JUnitCase {
        var name: String
        var classname: String
        var durationSeconds: Double
        var status: ImageTestResult.Status
        var reason: String?
        var outcome: String
        var stdout: String
        var stderr: String
    }

    /// The testcases: one per platform; with a spec, one per platform × test that applies to it, named
    /// `PLATFORM: TEST` with the platform as classname (what GitLab shows as the suite and Jenkins as
    /// the class, so each platform's tests group together and names stay unique).
    static func junitCases(_ r: ImageTestReport) -> [JUnitCase] {
        r.results.flatMap { p -> [JUnitCase] in
            guard let tests = p.tests, !tests.isEmpty else {
                return [JUnitCase(name: p.platform, classname: r.reference, durationSeconds: p.durationSeconds, status: p.status,
                                  reason: p.reason, outcome: p.outcome, stdout: p.stdout, stderr: p.stderr)]
            }
            return tests.map { t in
                JUnitCase(name: "\(p.platform): \(t.name)", classname: p.platform, durationSeconds: t.durationSeconds,
                          status: t.status, reason: t.reason, outcome: t.kind == .command ? t.outcome : t.reason ?? "", stdout: t.stdout ?? "", stderr: t.stderr ?? "")
            }
        }
    }

    /// One `<testsuite>` for the image, its `<testcase>`s (`junitCases`) with `<failure>` or `<skipped>`.
    static func junit(_ r: ImageTestReport) -> String {
        let cases = junitCases(r)
        let time = cases.reduce(0) { $0 + $1.durationSeconds }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites>\n"
        xml += "  <testsuite name=\"\(escape(r.reference))\" tests=\"\(cases.count)\" failures=\"\(cases.filter { $0.status == .fail }.count)\" "
            + "skipped=\"\(cases.filter { $0.status == .skipped }.count)\" time=\"\(String(format: "%.3f", time))\">\n"
        for c in cases {
            xml += "    <testcase name=\"\(escape(c.name))\" classname=\"\(escape(c.classname))\" "
                + "time=\"\(String(format: "%.3f", c.durationSeconds))\">\n"
            switch c.status {
            case .pass: break
            case .skipped: xml += "      <skipped message=\"\(escape(c.reason ?? "skipped"))\"/>\n"
            case .fail:
                xml += "      <failure message=\"\(escape(c.reason ?? "failed"))\">\(escape(c.outcome))</failure>\n"
            }
            if !c.stdout.isEmpty { xml += "      <system-out>\(escape(c.stdout))</system-out>\n" }
            if !c.stderr.isEmpty { xml += "      <system-err>\(escape(c.stderr))</system-err>\n" }
            xml += "    </testcase>\n"
        }
        return xml + "  </testsuite>\n</testsuites>\n"
    }

    /// XML-escaped text; characters XML 1.0 forbids (most controls) become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
