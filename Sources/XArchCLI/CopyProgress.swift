import Foundation
import Synchronization
import XArch
import XArchCopy
import XArchModel

/// Progress of a copy on a terminal (stderr only, redrawn in place at most ten times a second): the
/// blob moving most bytes right now with its rate, and the totals. Events arrive from the copy's
/// concurrent tasks; the counters live in one `Mutex`.
final class CopyProgress: Sendable {
    private struct State {
        var totalBlobs = 0
        var totalBytes: Int64 = 0
        var doneBlobs = 0
        var movedBytes: Int64 = 0
        var active: [Digest: (bytes: Int64, total: Int64, start: Date)] = [:]
        var recompressed: Set<Digest> = []
        var lastDraw = Date.distantPast
        var drew = false
    }

    private let state = Mutex(State())
    private let stream: any TextSink
    let enabled: Bool
    private let start = Date()
    /// What the line starts with (`copying`, `→ oci:out:latest`).
    private let label: String

    init(stream: any TextSink, enabled: Bool, label: String = "copying") {
        self.stream = stream
        self.enabled = enabled
        self.label = label
    }

    func handle(_ event: CopyEvent) {
        state.withLock { state in
            switch event {
            case .planned(let blobs, let bytes, _):
                state.totalBlobs = blobs
                state.totalBytes = bytes
            case .blobStarted(let d):
                state.active[d.digest] = (0, d.size, Date())
            case .blobProgress(let digest, let bytes, let total):
                let previous = state.active[digest]?.bytes ?? 0
                state.movedBytes += bytes - previous
                state.active[digest] = (bytes, total, state.active[digest]?.start ?? Date())
            case .blobDone(let d, _):
                state.active[d.digest] = nil
                state.doneBlobs += 1
            case .manifestDone:
                break
            case .layerRecompressed(let from, _):
                state.recompressed.insert(from.digest)
            }
            draw(&state)
        }
    }

    /// Clears the progress line.
    func finish() {
        state.withLock { if $0.drew { stream.write("\r\u{1B}[K") } }
    }

    private func draw(_ state: inout State) {
        let now = Date()
        guard now.timeIntervalSince(state.lastDraw) >= 0.1 else { return }
        state.lastDraw = now
        state.drew = true
        let elapsed = max(0.001, now.timeIntervalSince(start))
        if state.totalBlobs == 0, !state.recompressed.isEmpty {
            stream.write("\r\u{1B}[K\(label): \(state.recompressed.count) layer\(state.recompressed.count == 1 ? "" : "s") recompressed")
            return
        }
        var line = "\(label): \(state.doneBlobs)/\(state.totalBlobs) blobs, \(ByteCount.format(state.movedBytes)) moved, \(ByteCount.format(Int64(Double(state.movedBytes) / elapsed)))/s"
        if let (digest, blob) = state.active.max(by: { $0.value.total < $1.value.total }), blob.total > 0 {
            let rate = Double(blob.bytes) / max(0.001, now.timeIntervalSince(blob.start))
            line += "  \(digest.short): \(ByteCount.format(blob.bytes))/\(ByteCount.format(blob.total)) at \(ByteCount.format(Int64(rate)))/s"
        }
        stream.write("\r\u{1B}[K" + line)
    }
}

/// Human summary of a copy.
enum CopySummary {
    static func print(_ r: CopyReport, _ context: CommandContext) {
        if r.upToDate {
            context.print("\(r.destination):\(r.tag) is up to date (\(r.destinationDigest))")
            if let line = referrers(r.referrers) { context.print(line) }
            return
        }
        let separator = r.reference.hasPrefix("sha256:") || r.reference.hasPrefix("sha512:") ? "@" : ":"
        context.print("copied \(r.source)\(separator)\(r.reference) → \(r.destination):\(r.tag)")
        context.print("  digest:    \(r.destinationDigest)\(r.filteredIndexDigest != nil ? " (reduced index)" : "")")
        if !r.platforms.isEmpty { context.print("  platforms: \(TerminalText.field(r.platforms.joined(separator: ", ")))") }
        let b = r.blobs
        context.print("  blobs:     \(b.copied) copied (\(ByteCount.format(b.bytesCopied))), \(b.mounted) mounted, \(b.skipped) already there")
        context.print("  manifests: \(r.manifests.copied) written, \(r.manifests.skipped) already there")
        if let z = r.recompression {
            context.print("  recompressed: \(z.layers) layer\(z.layers == 1 ? "" : "s") to \(z.compression) level \(z.level), \(ByteCount.format(z.bytesBefore)) → \(ByteCount.format(z.bytesAfter))")
        }
        if let line = referrers(r.referrers) { context.print(line) }
        if let requests = r.requests, !requests.isEmpty {
            let text = requests.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            context.print("  requests:  \(text)")
        }
        if !r.nonDistributableSkipped.isEmpty {
            context.print("  skipped non-distributable layers: \(r.nonDistributableSkipped.joined(separator: ", "))")
        }
        context.print(String(format: "  time:      %.2f s", r.durationSeconds))
        for note in r.notes ?? [] { context.print("note: \(TerminalText.field(note))") }
    }

    /// `  referrers: 2 copied (1 listed by the registry, 1 added to the list), 1 already there`.
    static func referrers(_ referrers: [CopiedReferrer]?) -> String? {
        guard let referrers else { return nil }
        let count = { (listed: String) in referrers.filter { $0.listed == listed }.count }
        let copied = referrers.count - count("present")
        return "  referrers: \(copied) copied (\(count("registry")) listed by the registry itself, \(count("list")) added to the referrers list), \(count("present")) already there"
    }
}
