import Foundation
import Testing
import XArchCLI

/// `--debug` shows the chain of causes below the one-line error; without it, one line.
@Suite("error causes under --debug")
struct DebugOutputTests {
    /// A registry address nothing listens on (port 1 on loopback): refused at once, no network needed.
    static let dead = "127.0.0.1:1/nothing/here:tag"

    @Test func withoutDebugTheErrorIsOneLine() async {
        let r = await CLIRun.run("inspect", Self.dead)
        #expect(r.code == 1)
        #expect(r.stderr.hasPrefix("xarch: ") && r.stderr.filter { $0 == "\n" }.count == 1, "\(r.stderr)")
    }

    @Test func debugPrintsTheCausesBelowTheMessage() async {
        let r = await CLIRun.run("inspect", "--debug", Self.dead)
        #expect(r.code == 1)
        let lines = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("debug") && !$0.contains("GET ") }
        let first = lines.firstIndex { $0.hasPrefix("xarch: ") }
        #expect(first != nil, "\(r.stderr)")
        if let first {
            #expect(lines[first].contains("127.0.0.1:1"))
            #expect(lines.dropFirst(first + 1).contains { $0.hasPrefix("  caused by ") }, "\(r.stderr)")
        }
    }
}
