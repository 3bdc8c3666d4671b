import Foundation
import Testing
import XArch
import XArchBuild
import XArchModel
@testable import XArchCLI

/// The build's progress line on a terminal: layers first, then each destination's copy, cleared at
/// the end.
@Suite struct BuildProgressTests {
    final class Recorder: TextSink, @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        var isTerminal: Bool { true }
        func write(_ text: String) { lock.withLock { self.text += text } }
        var lines: [String] {
            lock.withLock { text.components(separatedBy: "\r\u{1B}[K").filter { !$0.isEmpty } }
        }
    }

    @Test func layersThenCopiesThenCleared() throws {
        let sink = Recorder()
        let progress = BuildProgress(stream: sink, enabled: true)
        let handler = try #require(progress.handler)
        handler(.planned(platforms: 2, layers: 3))
        handler(.layerWritten(bytes: 1024))
        handler(.layerWritten(bytes: 2048))
        handler(.copy(destination: "oci:out:latest", event: .planned(blobs: 5, bytes: 4096, manifests: 3)))
        progress.finish()
        #expect(sink.lines == ["building 2 platforms: 0/3 new layers written (0 B)",
                               "building 2 platforms: 1/3 new layers written (1.0 KiB)",
                               "building 2 platforms: 2/3 new layers written (3.0 KiB)",
                               "→ oci:out:latest: 0/5 blobs, 0 B moved, 0 B/s"])
        #expect(BuildProgress(stream: sink, enabled: false).handler == nil)
    }

    /// RUNs: the mode once per platform, one line per RUN with its platform and step (`CACHED` for a
    /// result taken from the build cache), output lines prefixed the same way, an unfinished last line
    /// printed at the end, control characters escaped.
    @Test func runLinesNameThePlatformAndTheStep() throws {
        let sink = Recorder()
        let progress = BuildProgress(stream: sink, enabled: false, announcesRuns: true)
        let handler = try #require(progress.handler)
        handler(.run(platform: "linux/arm64", mode: "binfmt-userns", step: "4/9", line: 7, instruction: "RUN make"))
        handler(.runOutput(platform: "linux/arm64", step: "4/9", isError: false, bytes: Array("cc -o app\nlinking\u{1B}]0;x\u{07}".utf8)))
        handler(.runCached(platform: "linux/arm64", step: "5/9", line: 8, instruction: "RUN make install"))
        handler(.run(platform: "linux/arm64", mode: "binfmt-userns", step: "6/9", line: 9, instruction: "RUN true"))
        progress.finish()
        #expect(sink.lines.joined().split(separator: "\n") == [
            "[linux/arm64] RUN instructions run binfmt-userns", "[linux/arm64 4/9] RUN make", "[linux/arm64 4/9] cc -o app",
            "[linux/arm64 5/9] CACHED RUN make install", "[linux/arm64 6/9] RUN true",
            "[linux/arm64 4/9] linking\\u{1b}]0;x\\u{7}",
        ])
    }

    /// On a terminal (`--progress tty`): a block of one line per platform with its current step, and the
    /// layers line under it, redrawn in place (the cursor goes back up over the block before a redraw).
    @Test func theStatusBlockHasOneLinePerPlatform() throws {
        let sink = Recorder()
        let progress = BuildProgress(stream: sink, enabled: true)
        let handler = try #require(progress.handler)
        handler(.run(platform: "linux/amd64", mode: "native", step: "tools 3/3", line: 3, instruction: "RUN go build"))
        handler(.run(platform: "linux/arm64", mode: "binfmt-userns", step: "stage-1 4/4", line: 7, instruction: "RUN apt-get install -y " + String(repeating: "pkg ", count: 30)))
        handler(.runCached(platform: "linux/amd64", step: "stage-1 4/4", line: 7, instruction: "RUN apt-get install"))
        let block = sink.lines.last ?? ""
        #expect(block.hasPrefix("\u{1B}[1A\u{1B}[K"), "the cursor did not go back up over the two-line block: \(block.debugDescription)")
        let rows = block.replacingOccurrences(of: "\u{1B}[1A\u{1B}[K", with: "").split(separator: "\n").map(String.init)
        #expect(rows.count == 2 && rows[0] == "  linux/amd64  stage-1 4/4 CACHED RUN apt-get install", "\(rows)")
        #expect(rows.count == 2 && rows[1].hasPrefix("  linux/arm64  stage-1 4/4 RUN apt-get install -y pkg") && rows[1].hasSuffix("…"), "\(rows)")
        progress.finish()
    }

    /// The summary's lines that quote the build context (a skipped platform's reason) escape control
    /// characters: a hostile context's file names never reach the terminal raw (issue 18).
    @Test func summaryEscapesWhatCameFromTheContext() throws {
        let json = #"""
            {"digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000",
             "mediaType": "application/vnd.oci.image.index.v1+json", "images": [],
             "skippedPlatforms": {"linux/arm64": "\"evil\u001b]0;owned\u0007\" does not exist in the build context"},
             "layersWritten": 0, "layerBytes": 0, "pushed": [], "unusedBuildArguments": [], "runs": [],
             "metadata": {"digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                          "mediaType": "application/vnd.oci.image.index.v1+json", "size": 2, "platforms": [],
                          "reference": null},
             "durationSeconds": 0}
            """#
        let report = try JSONDecoder().decode(BuildReport.self, from: Data(json.utf8))
        let out = TextBuffer(), err = TextBuffer()
        BuildSummary.print(report, CommandContext(stdout: out, stderr: err))
        #expect(err.text == "skipped linux/arm64: \"evil\\u{1b}]0;owned\\u{7}\" does not exist in the build context\n", "\(err.text.debugDescription)")
    }
}
