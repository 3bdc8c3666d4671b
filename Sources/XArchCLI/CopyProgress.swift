import Foundation
import XArch
import XArchCopy
import XArchModel

/// Progress of a copy on a terminal (stderr only, redrawn in place at most ten times a second): the
/// blob moving most bytes right now with its rate, and the totals.
final class CopyProgress: @unchecked Sendable {
    // Guarded by `lock`; events arrive from the copy's concurrent tasks.
    private let lock = NSLock()
    private let stream: any TextSink
    let enabled: Bool
    private var totalBlobs = 0
    private var totalBytes: Int64 = 0
    private var doneBlobs = 0
    private var movedBytes: Int64 = 0
    private var active: [Digest: (bytes: Int64, total: Int64, start: Date)] = [:]
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drew = false

    /// What the line starts with (`copying`, `→ oci:out:latest`).
    private let label: String

    init(stream: any TextSink, enabled: Bool, label: String = "copying") {
        self.stream = stream
        self.enabled = enabled
        self.label = label
    }

    func handle(_ event: CopyEvent) {
        lock.withLock {
            switch event {
            case .planned(let blobs, let bytes, _):
                totalBlobs = blobs
                totalBytes = bytes
            case .blobStarted(let d):
                active[d.digest] = (0, d.size, Date())
            case .blobProgress(let digest, let bytes, let total):
                let previous = active[digest]?.bytes ?? 0
                movedBytes += bytes - previous
                active[digest] = (bytes, total, active[digest]?.start ?? Date())
            case .blobDone(let d, _):
                active[d.digest] = nil
                doneBlobs += 1
            case .manifestDone:
                break
            }
            draw()
        }
    }

    /// Clears the progress line.
    func finish() {
        lock.withLock { if drew { stream.write("\r\u{1B}[K") } }
    }

    private func draw() {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        drew = true
        let elapsed = max(0.001, now.timeIntervalSince(start))
        var line = "\(label): \(doneBlobs)/\(totalBlobs) blobs, \(ByteCount.format(movedBytes)) moved, \(ByteCount.format(Int64(Double(movedBytes) / elapsed)))/s"
        if let (digest, state) = active.max(by: { $0.value.total < $1.value.total }), state.total > 0 {
            let rate = Double(state.bytes) / max(0.001, now.timeIntervalSince(state.start))
            line += "  \(digest.short): \(ByteCount.format(state.bytes))/\(ByteCount.format(state.total)) at \(ByteCount.format(Int64(rate)))/s"
        }
        stream.write("\r\u{1B}[K" + line)
    }
}

/// Human summary of a copy.
enum CopySummary {
    static func print(_ r: CopyReport, _ context: CommandContext) {
        if r.upToDate {
            context.print("\(r.destination):\(r.tag) is up to date (\(r.destinationDigest))")
            return
        }
        let separator = r.reference.hasPrefix("sha256:") || r.reference.hasPrefix("sha512:") ? "@" : ":"
        context.print("copied \(r.source)\(separator)\(r.reference) → \(r.destination):\(r.tag)")
        context.print("  digest:    \(r.destinationDigest)\(r.filteredIndexDigest != nil ? " (reduced index)" : "")")
        if !r.platforms.isEmpty { context.print("  platforms: \(r.platforms.joined(separator: ", "))") }
        let b = r.blobs
        context.print("  blobs:     \(b.copied) copied (\(ByteCount.format(b.bytesCopied))), \(b.mounted) mounted, \(b.skipped) already there")
        context.print("  manifests: \(r.manifests.copied) written, \(r.manifests.skipped) already there")
        if let requests = r.requests, !requests.isEmpty {
            let text = requests.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            context.print("  requests:  \(text)")
        }
        if !r.nonDistributableSkipped.isEmpty {
            context.print("  skipped non-distributable layers: \(r.nonDistributableSkipped.joined(separator: ", "))")
        }
        context.print(String(format: "  time:      %.2f s", r.durationSeconds))
    }
}
