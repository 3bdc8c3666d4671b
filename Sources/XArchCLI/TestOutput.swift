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
        var table = Table("PLATFORM", "DIGEST", "MODE", "EMULATOR", "RESULT", "EXIT", "TIME")
        for p in r.results {
            let result: String = switch p.status {
            case .pass: context.style("pass", .green)
            case .fail: context.style("fail", .red)
            case .skipped: context.style("skipped", .yellow)
            }
            table.add(p.platform, String(p.digest.prefix(19)), p.mode, emulator(p.emulator), result, p.outcome,
                      String(format: "%.2fs", p.durationSeconds))
        }
        for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print(line) }
        for p in r.results where p.status != .pass {
            context.print("\(p.platform): \(p.reason ?? p.status.rawValue)")
            guard p.status == .fail else { continue }
            for (name, text) in [("stdout", p.stdout), ("stderr", p.stderr)] where !text.isEmpty {
                context.print("  \(name):")
                for line in text.split(separator: "\n", omittingEmptySubsequences: false).suffix(tailLines + 1).dropLast(text.hasSuffix("\n") ? 1 : 0) {
                    context.print("    \(line)")
                }
            }
        }
        context.print("\(r.passed) passed, \(r.failed) failed, \(r.skipped) skipped")
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

    /// One `<testsuite>` for the image, one `<testcase>` per platform, with `<failure>` or `<skipped>`.
    static func junit(_ r: ImageTestReport) -> String {
        let time = r.results.reduce(0) { $0 + $1.durationSeconds }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites>\n"
        xml += "  <testsuite name=\"\(escape(r.reference))\" tests=\"\(r.results.count)\" failures=\"\(r.failed)\" "
            + "skipped=\"\(r.skipped)\" time=\"\(String(format: "%.3f", time))\">\n"
        for p in r.results {
            xml += "    <testcase name=\"\(escape(p.platform))\" classname=\"\(escape(r.reference))\" "
                + "time=\"\(String(format: "%.3f", p.durationSeconds))\">\n"
            switch p.status {
            case .pass: break
            case .skipped: xml += "      <skipped message=\"\(escape(p.reason ?? "skipped"))\"/>\n"
            case .fail:
                xml += "      <failure message=\"\(escape(p.reason ?? "failed"))\">\(escape(p.outcome))</failure>\n"
            }
            if !p.stdout.isEmpty { xml += "      <system-out>\(escape(p.stdout))</system-out>\n" }
            if !p.stderr.isEmpty { xml += "      <system-err>\(escape(p.stderr))</system-err>\n" }
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
