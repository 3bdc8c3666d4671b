import Foundation
import Testing
import XArch
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
}
