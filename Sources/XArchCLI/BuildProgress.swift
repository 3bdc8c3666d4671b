import Foundation
import Synchronization
import XArch
import XArchCopy
import XArchBuild

/// Progress of a build on a terminal (stderr only, one line redrawn in place): the layers being
/// written, then each destination's copy as `xarch copy` shows it. Events arrive from the build's
/// concurrent tasks; the counters live in one `Mutex`.
final class BuildProgress: Sendable {
    private struct State {
        var platforms = 0
        var layers = 0
        var written = 0
        var bytes: Int64 = 0
        var copy: (destination: String, progress: CopyProgress)?
        var drew = false
        /// The unfinished last line of each RUN's output, by "platform line".
        var partial: [String: [UInt8]] = [:]
    }

    private let state = Mutex(State())
    private let stream: any TextSink
    /// Redraw a status line (a terminal).
    let enabled: Bool
    /// Print one line per RUN as it starts (text output, terminal or log).
    let announcesRuns: Bool

    init(stream: any TextSink, enabled: Bool, announcesRuns: Bool = false) {
        self.stream = stream
        self.enabled = enabled
        self.announcesRuns = announcesRuns
    }

    /// The handler to give the build, or nil when there is nothing to show.
    var handler: (@Sendable (BuildEvent) -> Void)? {
        enabled || announcesRuns ? { @Sendable [self] event in self.handle(event) } : nil
    }

    func handle(_ event: BuildEvent) {
        if case .runOutput(let platform, let line, let isError, let bytes) = event {
            guard announcesRuns else { return }
            state.withLock { state in
                let key = "\(platform) \(line) \(isError ? 2 : 1)"
                var pending = state.partial[key, default: []] + bytes
                var lines: [String] = []
                while let newline = pending.firstIndex(of: 0x0a) {
                    lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
                state.partial[key] = pending
                guard !lines.isEmpty else { return }
                if state.drew { stream.write("\r\u{1B}[K") }
                for text in lines { stream.write("[\(platform) line \(line)] \(TerminalText.escaped(text))\n") }
            }
            return
        }
        let announced: String? = switch event {
        case .run(let platform, let mode, let line, let instruction): "[\(platform) \(mode)] line \(line): \(instruction)"
        case .runCached(let platform, let line, let instruction): "[\(platform) cached] line \(line): \(instruction)"
        default: nil
        }
        if let announced {
            guard announcesRuns else { return }
            state.withLock { state in
                if state.drew { stream.write("\r\u{1B}[K") }
                stream.write(announced + "\n")
                if enabled, state.layers > 0 { draw(&state) }
            }
            return
        }
        guard enabled else { return }
        let copyProgress: CopyProgress? = state.withLock { state in
            switch event {
            case .run, .runCached, .runOutput, .tested: break
            case .planned(let platforms, let layers):
                (state.platforms, state.layers) = (platforms, layers)
                draw(&state)
            case .layerWritten(let size):
                state.written += 1
                state.bytes += size
                draw(&state)
            case .copy(let destination, _):
                if state.copy?.destination != destination {
                    state.copy = (destination, CopyProgress(stream: stream, enabled: true, label: "→ \(destination)"))
                }
                return state.copy?.progress
            }
            return nil
        }
        if let copyProgress, case .copy(_, let copyEvent) = event { copyProgress.handle(copyEvent) }
    }

    /// Clears the progress line.
    func finish() {
        state.withLock { state in
            for (key, rest) in state.partial.sorted(by: { $0.key < $1.key }) where !rest.isEmpty {
                let parts = key.split(separator: " ")
                stream.write("[\(parts[0]) line \(parts.count > 1 ? String(parts[1]) : "")] \(TerminalText.escaped(String(decoding: rest, as: UTF8.self)))\n")
            }
            state.partial = [:]
            if let copy = state.copy { copy.progress.finish() } else if state.drew { stream.write("\r\u{1B}[K") }
        }
    }

    private func draw(_ state: inout State) {
        state.drew = true
        stream.write("\r\u{1B}[K" + "building \(state.platforms) platform\(state.platforms == 1 ? "" : "s"): \(state.written)/\(state.layers) new layers written (\(ByteCount.format(state.bytes)))")
    }
}
