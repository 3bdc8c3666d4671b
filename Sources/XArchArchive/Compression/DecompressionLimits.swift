import XArchModel

/// Caps that stop decompression bombs: a layer whose output grows past an absolute size, or past a
/// ratio of its input once the output is large, is refused with a clear error.
///
/// A real layer compresses 2–10×; deflate's maximum is about 1032× (all zeros), zstd's far higher.
/// A ratio cap that starts only after `ratioGrace` bytes keeps small, highly compressible layers
/// (empty files, sparse data) readable.
public struct DecompressionLimits: Sendable, Hashable {
    /// Most bytes one layer may decompress to.
    public var maxOutput: Int64
    /// Most output bytes per input byte, checked once the output is past `ratioGrace`.
    public var maxRatio: Int64
    /// Output size under which the ratio is not checked.
    public var ratioGrace: Int64

    public init(maxOutput: Int64 = 64 << 30, maxRatio: Int64 = 200, ratioGrace: Int64 = 128 << 20) {
        self.maxOutput = maxOutput
        self.maxRatio = maxRatio
        self.ratioGrace = ratioGrace
    }

    /// The default caps: 64 GiB, or 200× past 128 MiB.
    public static let standard = DecompressionLimits()

    /// Throws when `output` bytes from `input` compressed bytes break a cap.
    package func check(input: Int64, output: Int64, format: String) throws {
        if output > maxOutput {
            throw XArchError(.tooLarge, "\(format) data expands past \(maxOutput) bytes (the cap for one layer): refusing a possible decompression bomb")
        }
        if output > ratioGrace, output / Swift.max(input, 1) > maxRatio {
            throw XArchError(.tooLarge, "\(format) data expands more than \(maxRatio)× (\(input) bytes became over \(output)): refusing a decompression bomb")
        }
    }
}
