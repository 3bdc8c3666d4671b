import ArgumentParser
import XArchArchive
import XArchModel

/// `--compression gzip|zstd [--compression-level N]`: how new layers are written (`LayerEncoding`).
struct CompressionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Compression of new layers: gzip (tar+gzip, the default) or zstd (tar+zstd, needs libzstd).", valueName: "gzip|zstd"))
    var compression: String = "gzip"

    @Option(name: .customLong("compression-level"), help: ArgumentHelp(
        "Level of new layers: gzip 1 (fastest) to 9 (smallest), default 6; zstd 1 to 19, default 3.", valueName: "n"))
    var compressionLevel: Int32?

    /// The encoding the options name; a one-line usage error when they name none.
    func encoding() throws -> LayerEncoding {
        try Self.encoding(compression, level: compressionLevel)
    }

    /// The encoding `compression` and `level` name, checked as `--compression` and `--compression-level`.
    static func encoding(_ compression: String, level compressionLevel: Int32?) throws -> LayerEncoding {
        guard let kind = LayerCompression(rawValue: compression), LayerEncoding.writable.contains(kind) else {
            throw ValidationError("--compression must be gzip or zstd, not \(compression)")
        }
        let encoding = LayerEncoding(kind, level: compressionLevel)
        let levels = LayerEncoding.levels(kind)
        guard levels.contains(encoding.level) else {
            throw ValidationError("--compression-level must be between \(levels.lowerBound) and \(levels.upperBound) for \(kind.rawValue)")
        }
        return encoding
    }
}
