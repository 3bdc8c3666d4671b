import XArchContent
import XArchModel

/// How a layer's bytes are compressed, recognized by their first bytes (as containerd's
/// `compression.DecompressStream` does), so a layer labelled with the wrong media type still reads.
public enum LayerFormat: String, Sendable, Codable {
    case gzip, zstd, uncompressed

    /// The format whose magic number starts `bytes` (gzip `1f 8b`, zstd `28 b5 2f fd`).
    public static func sniff(_ bytes: ArraySlice<UInt8>) -> LayerFormat {
        if bytes.starts(with: [0x1f, 0x8b]) { return .gzip }
        if bytes.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        return .uncompressed
    }
}

/// The streaming adapter: a `ByteStream` of compressed layer bytes in, a `ByteStream` of tar bytes
/// out. Nothing is buffered beyond one input chunk and its decompressed pieces.
public enum LayerDecompression {
    /// Decompresses `stream` (gzip, zstd or uncompressed, recognized from its first bytes).
    public static func decompress(_ stream: ByteStream, limits: DecompressionLimits = .standard) -> ByteStream {
        ByteStream {
            let state = DecompressingIterator(input: stream.makeAsyncIterator(), limits: limits)
            return { try await state.next() }
        }
    }
}

/// One decompression in progress. Only ever used by the one iterator that owns it, sequentially.
private final class DecompressingIterator {
    private enum Decoder {
        case undecided, raw, gzip(GzipDecoder), zstd(ZstdDecoder)
    }

    private var input: ByteStream.AsyncIterator
    private let limits: DecompressionLimits
    private var decoder = Decoder.undecided
    private var ready: [[UInt8]] = []
    private var readyIndex = 0
    private var ended = false
    /// The first bytes, kept until there are enough (4) to recognize the format.
    private var head: [UInt8] = []

    init(input: ByteStream.AsyncIterator, limits: DecompressionLimits) {
        self.input = input
        self.limits = limits
    }

    func next() async throws -> [UInt8]? {
        while true {
            if readyIndex < ready.count {
                defer { readyIndex += 1 }
                return ready[readyIndex]
            }
            ready.removeAll(keepingCapacity: true)
            readyIndex = 0
            if ended { return nil }
            guard let chunk = try await input.next() else {
                ended = true
                try finish()
                continue
            }
            try feed(chunk)
        }
    }

    private func feed(_ chunk: [UInt8]) throws {
        var chunk = chunk
        if case .undecided = decoder {
            head += chunk
            guard head.count >= 4 else { return }
            (chunk, head) = (head, [])
            switch LayerFormat.sniff(chunk[...]) {
            case .gzip: decoder = .gzip(try GzipDecoder(limits: limits))
            case .zstd: decoder = .zstd(try ZstdDecoder(limits: limits))
            case .uncompressed: decoder = .raw
            }
        }
        switch decoder {
        case .undecided: break
        case .raw: if !chunk.isEmpty { ready.append(chunk) }
        case .gzip(let d): try d.decode(chunk) { ready.append($0) }
        case .zstd(let d): try d.decode(chunk) { ready.append($0) }
        }
    }

    private func finish() throws {
        if case .undecided = decoder, !head.isEmpty {
            // Fewer than 4 bytes in all: a truncated gzip stream, or (not a valid tar either) raw bytes
            // for the tar reader to refuse.
            if LayerFormat.sniff(head[...]) == .gzip {
                throw XArchError(.invalidInput, "the gzip stream is truncated (it ends inside compressed data)")
            }
            decoder = .raw
            ready.append(head)
            head = []
        }
        switch decoder {
        case .undecided, .raw: break
        case .gzip(let d): try d.finish()
        case .zstd(let d): try d.finish()
        }
    }
}
