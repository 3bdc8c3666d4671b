import Foundation
import XArchArchive
import XArchModel

/// A layer written to a local file: a compressed tar (OCI image spec, layer.md and media-types.md,
/// `application/vnd.oci.image.layer.v1.tar+gzip` or `application/vnd.oci.image.layer.v1.tar+zstd`).
public struct LayerBlob: Hashable, Sendable {
    /// The descriptor of the compressed blob (what a manifest lists).
    public let descriptor: Descriptor
    /// The digest of the uncompressed tar (config.md, `rootfs.diff_ids`).
    public let diffID: Digest
    /// Bytes of the uncompressed tar.
    public let uncompressedSize: Int64
    /// The local file holding the compressed bytes.
    public let file: String
}

/// Writes reproducible layers (the same entries always give the same bytes): entries sorted by path, timestamps clamped to
/// `SOURCE_DATE_EPOCH`, owners as the entries say (0 unless `--chown`), pax headers only where ustar
/// fields do not suffice, and a reproducible compressor (`LayerEncoding`: gzip in parallel blocks with a
/// fixed header, or one zstd frame). The diff ID (sha256 of the tar) and the blob digest (sha256 of the
/// compressed stream) are computed in the same single streaming pass that writes the file, and memory
/// stays bounded (a 1 MiB read buffer and a few compression blocks) whatever the size of the content.
public struct LayerWriter: Sendable {
    /// Timestamps later than this (seconds since the epoch) are set to it
    /// (reproducible-builds.org, "SOURCE_DATE_EPOCH"); 0 by default, so every time is 0.
    public var sourceDateEpoch: Int64
    /// The format and level of the layers.
    public var encoding: LayerEncoding
    /// The CPU budget the compression of every layer shares (one per build).
    public var budget: CompressionBudget

    public init(sourceDateEpoch: Int64 = 0, encoding: LayerEncoding = .gzip(), budget: CompressionBudget = .shared) {
        self.sourceDateEpoch = sourceDateEpoch
        self.encoding = encoding
        self.budget = budget
    }

    /// `write(_:to:)` on a thread of its own, so the cooperative pool never waits for the disk or for
    /// compression.
    public func write(_ entries: LayerEntries, to path: String) async throws -> LayerBlob {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.write(entries, to: path) })
            }
        }
    }

    /// Writes `entries` (sorted first) as a compressed tar to `path`, which must not exist. Blocks the
    /// calling thread until the layer is written.
    public func write(_ entries: LayerEntries, to path: String) throws -> LayerBlob {
        let output = try LocalFile.create(path)
        let pipeline: LayerPipeline
        do {
            pipeline = try LayerPipeline(output: output, compressor: encoding.makeCompressor(budget: budget))
        } catch {
            output.close()
            LocalFile.remove(path)
            throw error
        }
        do {
            for entry in entries.sorted {
                try pipeline.append(entry.tarHeader(clampingTo: sourceDateEpoch).encoded())
                try appendContent(of: entry, to: pipeline)
            }
            try pipeline.append(TarHeader.endOfArchive)
            let result = try pipeline.finish()
            output.close()
            return LayerBlob(descriptor: Descriptor(mediaType: encoding.mediaType, digest: result.digest, size: result.size),
                             diffID: result.diffID, uncompressedSize: result.uncompressedSize, file: path)
        } catch {
            pipeline.discard()
            output.close()
            LocalFile.remove(path)
            throw error
        }
    }

    /// Streams a regular file's bytes, checking that exactly the announced size arrives (a file that
    /// changes while the layer is written would otherwise give a corrupt tar).
    private func appendContent(of entry: LayerEntry, to pipeline: LayerPipeline) throws {
        guard case .regularFile = entry.kind else { return }
        var written: Int64 = 0
        switch entry.content {
        case .none:
            break
        case .bytes(let bytes):
            try pipeline.append(bytes)
            written = Int64(bytes.count)
        case .file(let source):
            written = try pipeline.appendFile(source, offset: nil, limit: entry.size)
        case .fileRange(let source, let offset):
            written = try pipeline.appendFile(source, offset: offset, limit: entry.size)
        }
        guard written == entry.size else {
            throw XArchError(.io, "\(Self.describe(entry)) changed while the layer was written: expected \(entry.size) bytes, read \(written)")
        }
        try pipeline.append(TarHeader.padding(for: entry.size))
    }

    static func describe(_ entry: LayerEntry) -> String {
        switch entry.content {
        case .file(let source): return source
        case .fileRange(let source, let offset): return "\(source) at byte \(offset)"
        case .none, .bytes: return "/" + entry.path
        }
    }
}

/// tar bytes → sha256 (diff ID) → compress → sha256 (digest) → file, in one pass.
final class LayerPipeline {
    private let output: LocalFile
    private let deflater: any LayerCompressor
    private var diffHasher = DigestHasher(.sha256)
    private var blobHasher = DigestHasher(.sha256)
    private var readBuffer = [UInt8](repeating: 0, count: 1024 * 1024)

    init(output: LocalFile, compressor: any LayerCompressor) {
        self.output = output
        deflater = compressor
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        diffHasher.update(bytes)
        try deflater.compress(bytes, sink: emit)
    }

    /// Appends at most `limit` bytes of the file at `path`, from `offset` (nil: the start, reading on
    /// to notice a file that grew); returns how many bytes there were, up to `limit + 1`.
    func appendFile(_ path: String, offset: Int64?, limit: Int64) throws -> Int64 {
        let file = try LocalFile.openForReading(path)
        defer { file.close() }
        var total: Int64 = 0
        var buffer: [UInt8] = []
        swap(&buffer, &readBuffer)  // use the buffer without a copy-on-write copy
        defer { swap(&buffer, &readBuffer) }
        // A range ends where the entry ends (the archive goes on); a whole file is read one byte past.
        let end = offset == nil ? limit + 1 : limit
        while total < end {
            let want = Int(min(Int64(buffer.count), end - total))
            let n = try buffer.withUnsafeMutableBytes { raw in
                let slice = UnsafeMutableRawBufferPointer(rebasing: raw[0..<want])
                return try offset.map { try file.read(at: $0 + total, into: slice) } ?? file.read(into: slice)
            }
            if n == 0 { break }
            if total + Int64(n) > limit { return total + Int64(n) }
            try buffer.withUnsafeBytes { try append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += Int64(n)
        }
        return total
    }

    /// Ends the compressed stream; returns the digests and sizes.
    func finish() throws -> (digest: Digest, size: Int64, diffID: Digest, uncompressedSize: Int64) {
        try deflater.finish(sink: emit)
        return (blobHasher.finalize(), blobHasher.count, diffHasher.finalize(), diffHasher.count)
    }

    func discard() { deflater.discard() }

    private func emit(_ compressed: UnsafeRawBufferPointer) throws {
        blobHasher.update(compressed)
        try output.write(compressed)
    }
}
