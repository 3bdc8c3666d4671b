import Foundation
import Synchronization
import XArch
import XArchCopy
import XArchBuild

/// Progress of a build. On a terminal (`--progress tty`, or `auto` there) a status block on stderr is
/// redrawn in place: one line per platform with the step it is at, then the layers being written; then
/// each destination's copy as `xarch copy` shows it. RUNs are announced as lines that scroll above it
/// (`[linux/arm64 4/9] RUN …`, `CACHED` when a result is reused), once per platform with the execution
/// mode; with `--progress plain` their output follows, each line prefixed the same way. Events arrive
/// from the build's concurrent tasks; the state lives in one `Mutex`.
final class BuildProgress: Sendable {
    private struct State {
        var platforms = 0
        var layers = 0
        var written = 0
        var bytes: Int64 = 0
        var copy: (destination: String, progress: CopyProgress)?
        /// Lines of the status block on the screen now.
        var drawn = 0
        /// The step each platform is at, in the order platforms first appeared.
        var steps: [(platform: String, step: String)] = []
        /// Platforms whose execution mode was told.
        var modesTold: Set<String> = []
        /// The unfinished last line of each RUN's output, by "platform step" and stream.
        var partial: [String: (prefix: String, bytes: [UInt8])] = [:]
    }

    private let state = Mutex(State())
    private let stream: any TextSink
    /// Redraw a status block (a terminal).
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

    /// The longest instruction text in a status line.
    private static let statusWidth = 72

    func handle(_ event: BuildEvent) {
        if case .runOutput(let platform, let step, let isError, let bytes) = event {
            guard announcesRuns else { return }
            state.withLock { state in
                let key = "\(platform) \(step) \(isError ? 2 : 1)"
                var pending = state.partial[key]?.bytes ?? []
                pending += bytes
                var lines: [String] = []
                while let newline = pending.firstIndex(of: 0x0a) {
                    lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
                state.partial[key] = ("[\(platform) \(step)]", pending)
                guard !lines.isEmpty else { return }
                clear(&state)
                for text in lines { stream.write("[\(platform) \(step)] \(TerminalText.escaped(text))\n") }
                if enabled { draw(&state) }
            }
            return
        }
        let started: (platform: String, mode: String?, step: String, instruction: String)? = switch event {
        case .run(let platform, let mode, let step, _, let instruction): (platform, mode, step, instruction)
        case .runCached(let platform, let step, _, let instruction): (platform, nil, step, instruction)
        default: nil
        }
        if let started {
            state.withLock { state in
                let text = started.mode == nil ? "\(started.step) CACHED \(started.instruction)" : "\(started.step) \(started.instruction)"
                if let i = state.steps.firstIndex(where: { $0.platform == started.platform }) {
                    state.steps[i].step = text
                } else {
                    state.steps.append((started.platform, text))
                }
                clear(&state)
                if announcesRuns {
                    if let mode = started.mode, state.modesTold.insert(started.platform).inserted {
                        stream.write("[\(started.platform)] RUN instructions run \(mode)\n")
                    }
                    stream.write("[\(started.platform) \(started.step)] \(started.mode == nil ? "CACHED " : "")\(started.instruction)\n")
                }
                if enabled { draw(&state) }
            }
            return
        }
        guard enabled else { return }
        let copyProgress: CopyProgress? = state.withLock { state in
            switch event {
            case .run, .runCached, .runOutput, .tested: break
            case .planned(let platforms, let layers):
                (state.platforms, state.layers) = (platforms, layers)
                state.steps = []
                draw(&state)
            case .layerWritten(let size):
                state.written += 1
                state.bytes += size
                draw(&state)
            case .copy(let destination, _):
                if state.copy?.destination != destination {
                    clear(&state)
                    state.copy = (destination, CopyProgress(stream: stream, enabled: true, label: "→ \(destination)"))
                }
                return state.copy?.progress
            }
            return nil
        }
        if let copyProgress, case .copy(_, let copyEvent) = event { copyProgress.handle(copyEvent) }
    }

    /// Ends what is unfinished: the last line of each RUN's output, the status block.
    func finish() {
        state.withLock { state in
            clear(&state)
            for (_, rest) in state.partial.sorted(by: { $0.key < $1.key }) where !rest.bytes.isEmpty {
                stream.write("\(rest.prefix) \(TerminalText.escaped(String(decoding: rest.bytes, as: UTF8.self)))\n")
            }
            state.partial = [:]
            if let copy = state.copy { copy.progress.finish() }
        }
    }

    /// Removes the status block from the screen (the cursor ends where it began).
    private func clear(_ state: inout State) {
        guard state.drawn > 0 else { return }
        stream.write("\r\u{1B}[K" + String(repeating: "\u{1B}[1A\u{1B}[K", count: state.drawn - 1))
        state.drawn = 0
    }

    private func draw(_ state: inout State) {
        guard state.copy == nil else { return }
        var lines = state.steps.map { entry in
            let text = TerminalText.escaped(entry.step)
            return "  \(entry.platform)  " + (text.count > Self.statusWidth ? text.prefix(Self.statusWidth - 1) + "…" : text)
        }
        if state.layers > 0 {
            lines.append("building \(state.platforms) platform\(state.platforms == 1 ? "" : "s"): \(state.written)/\(state.layers) new layers written (\(ByteCount.format(state.bytes)))")
        }
        guard !lines.isEmpty else { return }
        clear(&state)
        stream.write(lines.joined(separator: "\n"))
        state.drawn = lines.count
    }
}
