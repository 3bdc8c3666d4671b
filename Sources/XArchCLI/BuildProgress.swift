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
            case .run, .runCached: break
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
            if let copy = state.copy { copy.progress.finish() } else if state.drew { stream.write("\r\u{1B}[K") }
        }
    }

    private func draw(_ state: inout State) {
        state.drew = true
        stream.write("\r\u{1B}[K" + "building \(state.platforms) platform\(state.platforms == 1 ? "" : "s"): \(state.written)/\(state.layers) new layers written (\(ByteCount.format(state.bytes)))")
    }
}
