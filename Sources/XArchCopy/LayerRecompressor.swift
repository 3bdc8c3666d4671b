import Foundation
import Synchronization
import XArchArchive
import XArchContent
import XArchModel

/// A layer re-encoded for `xarch copy --compression`: the new blob, spooled to a local file, and what
/// its tar stream hashed to.
struct RecompressedLayer: Sendable {
    /// Digest and size of the new (compressed) blob.
    let digest: Digest
    let size: Int64
    /// The digest of the uncompressed tar stream: the layer's diff ID (image-spec config.md,
    /// "rootfs.diff_ids"), unchanged by a re-encoding.
    let diffID: Digest
    /// The spool file holding the new blob.
    let path: String
}

/// Re-encodes layers of a copy's source: each blob is streamed from the source, decompressed
/// (`LayerDecompression`: gzip, zstd or plain tar, recognized by its first bytes), compressed with the
/// target `LayerEncoding` and written to a spool file, while two digests are taken: of the tar stream
/// (the diff ID, checked against the image config by the caller) and of the new blob. The source's
/// stream checks its own bytes against the descriptor (`ContentSource.blob`). A layer shared by several
/// images is re-encoded once. Memory stays bounded by a chunk and the compressor's window whatever the
/// layer size; the disk holds the new blobs until the copy ends (the spool directory is removed then,
/// and on Ctrl-C by `WorkDirectories`).
///
/// The new bytes depend only on the tar stream and the encoding (the reproducibility rule of
/// `LayerEncoding`), so copying the same image again gives the same digests.
final class LayerRecompressor: Sendable {
    let source: any ContentSource
    let encoding: LayerEncoding
    /// Names the source in messages.
    let sourceName: String
    /// The spool directory (created on the first layer).
    let directory: String
    private let budget: CompressionBudget
    private let work = Mutex<[Digest: Task<RecompressedLayer, any Error>]>([:])
    /// Spool files of finished layers, by new digest.
    private let finished = Mutex<[Digest: RecompressedLayer]>([:])

    init(source: any ContentSource, encoding: LayerEncoding, sourceName: String, jobs: Int) {
        self.source = source
        self.encoding = encoding
        self.sourceName = sourceName
        budget = CompressionBudget.sized(jobs: jobs)
        directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("xarch-recompress-\(UUID().uuidString)")
    }

    /// The re-encoded `layer`, made once per source digest (concurrent callers share the work).
    func recompress(_ layer: Descriptor) async throws -> RecompressedLayer {
        let task = work.withLock { tasks -> Task<RecompressedLayer, any Error> in
            if let running = tasks[layer.digest] { return running }
            let made = Task { try await self.encode(layer) }
            tasks[layer.digest] = made
            return made
        }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// The spooled blob of `digest`, when one of the recompressed layers has it.
    func spooled(_ digest: Digest) -> RecompressedLayer? {
        finished.withLock { $0[digest] }
    }

    /// Creates the spool directory and registers it for removal on Ctrl-C.
    func prepare() throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw XArchError(.io, "cannot create the directory for recompressed layers \(directory): \(error.localizedDescription)")
        }
        WorkDirectories.register(directory)
    }

    /// Removes the spool directory.
    func removeSpool() {
        WorkDirectories.remove(directory)
    }

    private func encode(_ layer: Descriptor) async throws -> RecompressedLayer {
        let path = (directory as NSString).appendingPathComponent("\(layer.digest.algorithm)-\(layer.digest.encoded)")
        let file = try LocalFile.create(path)
        var closed = false
        defer { if !closed { file.close() } }
        let compressor = try encoding.makeCompressor(budget: budget)
        defer { compressor.discard() }
        var diffHasher = DigestHasher(.sha256)
        var blobHasher = DigestHasher(layer.digest.algorithm)
        let emit: (UnsafeRawBufferPointer) throws -> Void = { bytes in
            blobHasher.update(bytes)
            try file.write(bytes)
        }
        let tar = LayerDecompression.decompress(try await source.blob(layer))
        do {
            for try await chunk in tar {
                try Task.checkCancellation()
                diffHasher.update(chunk)
                try chunk.withUnsafeBytes { try compressor.compress($0, sink: emit) }
            }
            try compressor.finish(sink: emit)
        } catch let error as XArchError {
            throw XArchError(error.code, "\(sourceName): layer \(layer.digest): \(error.message)", cause: error)
        }
        file.close()
        closed = true
        let made = RecompressedLayer(digest: blobHasher.finalize(), size: blobHasher.count, diffID: diffHasher.finalize(), path: path)
        finished.withLock { $0[made.digest] = made }
        return made
    }
}
