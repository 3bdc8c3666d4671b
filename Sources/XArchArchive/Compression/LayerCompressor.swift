import XArchModel

/// A streaming compressor of layer bytes: `compress` any number of times, then `finish` once, or
/// `discard` when giving up. Output is handed to `sink` in order, on the caller's thread; the bytes
/// depend only on the input and the compressor's parameters (the reproducibility rule).
public protocol LayerCompressor: AnyObject {
    /// Compresses `input`, handing every piece of output that is ready to `sink`.
    func compress(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Ends the stream: the rest of the output, trailer included.
    func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Frees the compressor's state; safe to call more than once.
    func discard()
}

extension GzipDeflater: LayerCompressor {}

/// How new layers are written: the compression, which fixes the layer media type (OCI image spec,
/// media-types.md and layer.md: `application/vnd.oci.image.layer.v1.tar+gzip` or `…tar+zstd`), and the
/// level. Part of the reproducibility contract: the same entries, compression and level give the same
/// bytes on any machine, whatever the number of cores.
public struct LayerEncoding: Hashable, Sendable, CustomStringConvertible {
    /// `.gzip` (RFC 1952, written in parallel blocks by `ParallelGzipDeflater`) or `.zstd` (RFC 8878,
    /// one frame by `ZstdCompressor`).
    public var compression: LayerCompression
    /// gzip: zlib's level, 1 … 9; zstd: libzstd's level, 1 … 19.
    public var level: Int32

    /// `compression` at `level` (nil: the default level of the compression).
    public init(_ compression: LayerCompression, level: Int32? = nil) {
        self.compression = compression
        self.level = level ?? Self.defaultLevel(compression)
    }

    /// gzip at `level` (default 6, gzip(1)'s).
    public static func gzip(level: Int32 = 6) -> LayerEncoding { LayerEncoding(.gzip, level: level) }

    /// The compressions xarch writes.
    public static let writable: [LayerCompression] = [.gzip, .zstd]

    /// The level used when none is given: gzip(1)'s 6, zstd(1)'s 3.
    public static func defaultLevel(_ compression: LayerCompression) -> Int32 { compression == .zstd ? 3 : 6 }

    /// The levels accepted for `compression`.
    public static func levels(_ compression: LayerCompression) -> ClosedRange<Int32> { compression == .zstd ? 1...19 : 1...9 }

    /// The layer media type this encoding gives.
    public var mediaType: MediaType {
        switch compression {
        case .gzip: return .ociLayerGzip
        case .zstd: return .ociLayerZstd
        case .uncompressed: return .ociLayer
        }
    }

    public var description: String { "\(compression.rawValue) level \(level)" }

    /// A compressor for one layer; parallel work (gzip blocks) is run within `budget`.
    public func makeCompressor(budget: CompressionBudget) throws -> any LayerCompressor {
        switch compression {
        case .gzip: return ParallelGzipDeflater(level: level, budget: budget)
        case .zstd: return try ZstdCompressor(level: level)
        case .uncompressed: throw XArchError(.unsupported, "xarch writes gzip or zstd layers, not uncompressed ones")
        }
    }
}
