import Foundation
import XArch
import XArchCopy
import XArchBuild

/// Progress of a build on a terminal (stderr only, one line redrawn in place): the layers being
/// written, then each destination's copy as `xarch copy` shows it.
final class BuildProgress: @unchecked Sendable {
    // Guarded by `lock`; events arrive from the build's concurrent tasks.
    private let lock = NSLock()
    private let stream: any TextSink
    let enabled: Bool
    private var platforms = 0
    private var layers = 0
    private var written = 0
    private var bytes: Int64 = 0
    private var copy: (destination: String, progress: CopyProgress)?
    private var drew = false

    init(stream: any TextSink, enabled: Bool) {
        self.stream = stream
        self.enabled = enabled
    }

    /// The handler to give the build, or nil when disabled.
    var handler: (@Sendable (BuildEvent) -> Void)? {
        enabled ? { @Sendable [self] event in self.handle(event) } : nil
    }

    func handle(_ event: BuildEvent) {
        let copyProgress: (CopyProgress, CopyEvent)? = lock.withLock {
            switch event {
            case .planned(let platforms, let layers):
                (self.platforms, self.layers) = (platforms, layers)
                draw()
            case .layerWritten(let size):
                written += 1
                bytes += size
                draw()
            case .copy(let destination, let copyEvent):
                if copy?.destination != destination {
                    copy = (destination, CopyProgress(stream: stream, enabled: true, label: "→ \(destination)"))
                }
                return copy.map { ($0.progress, copyEvent) }
            }
            return nil
        }
        if let (progress, copyEvent) = copyProgress { progress.handle(copyEvent) }
    }

    /// Clears the progress line.
    func finish() {
        lock.withLock {
            if let copy { copy.progress.finish() } else if drew { stream.write("\r\u{1B}[K") }
        }
    }

    private func draw() {
        drew = true
        stream.write("\r\u{1B}[K" + "building \(platforms) platform\(platforms == 1 ? "" : "s"): \(written)/\(layers) new layers written (\(ByteCount.format(bytes)))")
    }
}
