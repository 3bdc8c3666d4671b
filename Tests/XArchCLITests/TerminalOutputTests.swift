import Foundation
import Testing
import XArchContent
import XArchLayout
import XArchModel
import XArchTestSupport

/// Text from outside (platform strings of an index, names in a Dockerfile or a Kubernetes manifest)
/// reaches the terminal only as `\u{…}` escapes in every text output (issue 18, security).
@Suite("control characters in text output")
struct TerminalOutputTests {
    /// ESC ] 0 ; … BEL sets the terminal's title; ESC [ 2 J clears the screen.
    static let title = "\u{1b}]0;owned\u{7}"
    static let escapedTitle = "\\u{1b}]0;owned\\u{7}"

    static func expectNoControls(_ r: CLIRun, _ what: String) {
        let raw = (r.stdout + r.stderr).unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || (0x7f...0x9f).contains($0.value) }
        #expect(raw.isEmpty, "\(what) printed raw control characters: \(r.stdout.debugDescription) \(r.stderr.debugDescription)")
    }

    /// A layout whose index has an entry for `linux/amd64/<title>`.
    static func hostileLayout(_ dir: String) async throws {
        let store = try OCILayout.create(at: dir)
        let platform = Platform(os: "linux", architecture: "amd64", variant: title)
        let child = try await TestImages.image(platform, in: store)
        try await TestImages.index([child], tag: "x", in: store)
    }

    @Test func inspect() async throws {
        try await TestImages.withTemporaryDirectory("terminal-inspect") { dir in
            try await Self.hostileLayout("\(dir)/l")
            let r = await CLIRun.run("inspect", "oci:\(dir)/l:x")
            #expect(r.code == 0, "\(r.stderr)")
            #expect(r.stdout.contains("linux/amd64/\(Self.escapedTitle)"), "\(r.stdout)")
            Self.expectNoControls(r, "inspect")
        }
    }

    @Test func verify() async throws {
        try await TestImages.withTemporaryDirectory("terminal-verify") { dir in
            try await Self.hostileLayout("\(dir)/l")
            let r = await CLIRun.run("verify", "oci:\(dir)/l:x")
            #expect(r.stdout.contains(Self.escapedTitle), "\(r.stdout)\(r.stderr)")
            Self.expectNoControls(r, "verify")
        }
    }

    @Test func copyAndIndex() async throws {
        try await TestImages.withTemporaryDirectory("terminal-copy") { dir in
            try await Self.hostileLayout("\(dir)/l")
            let copy = await CLIRun.run("copy", "oci:\(dir)/l:x", "oci:\(dir)/c:x")
            #expect(copy.code == 0 && copy.stdout.contains(Self.escapedTitle), "\(copy.stdout)\(copy.stderr)")
            Self.expectNoControls(copy, "copy")
            let index = await CLIRun.run("index", "create", "-t", "oci:\(dir)/i:x", "oci:\(dir)/l:x")
            #expect(index.code == 0 && index.stdout.contains(Self.escapedTitle), "\(index.stdout)\(index.stderr)")
            Self.expectNoControls(index, "index create")
        }
    }

    @Test func lint() async throws {
        try await TestImages.withTemporaryDirectory("terminal-lint") { dir in
            let file = "\(dir)/Dockerfile"
            try Data("FROM alpine\nRUN curl -o /x https://e.com/x86_64/\(Self.title)tool\n".utf8).write(to: URL(fileURLWithPath: file))
            let r = await CLIRun.run("lint", file)
            #expect(r.code == 3 && r.stdout.contains("https://e.com/x86_64/\\u{1b}"), "\(r.stdout)\(r.stderr)")
            Self.expectNoControls(r, "lint")
        }
    }

    @Test func audit() async throws {
        try await TestImages.withTemporaryDirectory("terminal-audit") { dir in
            let file = "\(dir)/pod.yaml"
            let yaml = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: "web\\e]0;owned\\a"
                spec:
                  containers:
                    - name: app
                      image: "bad image\\e[2J"
                """
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: file))
            let r = await CLIRun.run("audit", file, "--nodes", "linux/amd64")
            #expect(r.stdout.contains("web\(Self.escapedTitle)"), "\(r.stdout)\(r.stderr)")
            #expect(r.stdout.contains("\\u{1b}[2J"), "\(r.stdout)")
            Self.expectNoControls(r, "audit")
        }
    }
}
