import XArchArchive
import XArchContent
import XArchModel

/// Per-layer scan results, keyed by layer digest: a layer used by several platforms is read once,
/// and a platform asking for a layer another platform is reading waits for that read.
actor LayerSummaryCache {
    private var reads: [Digest: Task<LayerSummary, any Error>] = [:]
    private let source: any ContentSource
    private let limits: DecompressionLimits

    init(source: any ContentSource, limits: DecompressionLimits) {
        self.source = source
        self.limits = limits
    }

    /// The summary of `layer`, read now or by an earlier call.
    func summary(of layer: Descriptor) async throws -> LayerSummary {
        if let read = reads[layer.digest] { return try await read.value }
        let (source, limits) = (self.source, self.limits)
        let read = Task.detached { try await LayerScanner.summarize(try await source.blob(layer), digest: layer.digest, limits: limits) }
        reads[layer.digest] = read
        return try await withTaskCancellationHandler { try await read.value } onCancel: { read.cancel() }
    }

    /// How many distinct layers were read.
    var count: Int { reads.count }
}
