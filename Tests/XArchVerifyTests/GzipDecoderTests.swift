import Testing
import XArchArchive
import XArchContent
import XArchModel
@testable import XArchVerify

@Suite("gzip and zstd decoding")
struct GzipDecoderTests {
    static let text = Array((0..<20_000).map { "line \($0) of a layer\n" }.joined().utf8)

    func decompress(_ bytes: [UInt8], chunk: Int = 64 * 1024, limits: DecompressionLimits = .standard) async throws -> [UInt8] {
        try await LayerDecompression.decompress(stream(bytes, chunk: chunk), limits: limits).collect(limit: 1 << 30)
    }

    @Test(arguments: [1, 7, 4096, 1 << 20])
    func roundTripsInAnyChunking(chunk: Int) async throws {
        #expect(try await decompress(GzipWriter.gzip(Self.text), chunk: chunk) == Self.text)
    }

    @Test func concatenatedMembersAndZeroPaddingDecode() async throws {
        let a = Array("first member\n".utf8), b = Array("second member\n".utf8)
        let joined = GzipWriter.gzip(a) + GzipWriter.gzip(b) + [UInt8](repeating: 0, count: 100)
        #expect(try await decompress(joined, chunk: 5) == a + b)
    }

    @Test func uncompressedPassesThrough() async throws {
        #expect(try await decompress(Self.text, chunk: 3) == Self.text)
    }

    @Test func truncatedAndCorruptStreamsAreClearErrors() async throws {
        let gz = GzipWriter.gzip(Self.text)
        await #expect { try await decompress(Array(gz.prefix(gz.count / 2))) } throws: { e in
            (e as? XArchError)?.code == .invalidInput && "\(e)".contains("truncated")
        }
        var corrupt = gz
        for i in 20..<60 { corrupt[i] ^= 0x5a }
        await #expect { try await decompress(corrupt) } throws: { e in
            (e as? XArchError)?.code == .invalidInput && "\(e)".contains("corrupt")
        }
        await #expect { try await decompress(gz + Array("garbage".utf8)) } throws: { e in
            "\(e)".contains("after the end of the gzip stream")
        }
        await #expect { try await decompress([0x1f, 0x8b]) } throws: { e in "\(e)".contains("truncated") }
    }

    /// 1 GiB of zeros, deflated as it is generated (never held): about 1 MiB of gzip.
    static let bomb: [UInt8] = {
        var out: [UInt8] = []
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        do {
            let deflater = try GzipDeflater(level: 9)
            for _ in 0..<1024 { try zeros.withUnsafeBytes { try deflater.compress($0) { out += $0 } } }
            try deflater.finish { out += $0 }
        } catch {
            return []  // only when zlib cannot allocate; the test then fails on the size check
        }
        return out
    }()

    @Test func gzipBombIsRefused() async throws {
        #expect(Self.bomb.count < 2 << 20)
        var produced: Int64 = 0
        let decoded = LayerDecompression.decompress(stream(Self.bomb))
        await #expect {
            for try await chunk in decoded { produced += Int64(chunk.count) }
        } throws: { e in
            (e as? XArchError)?.code == .tooLarge && "\(e)".contains("decompression bomb")
        }
        #expect(produced <= DecompressionLimits.standard.ratioGrace + (1 << 20), "stopped soon after the grace size")
        // A scan of it as a layer says the same.
        await #expect { try await LayerScanner.summarize(stream(Self.bomb), digest: Digest.of(Self.bomb)) } throws: { e in
            "\(e)".contains("decompression bomb")
        }
    }

    @Test func absoluteCapApplies() async throws {
        let limits = DecompressionLimits(maxOutput: 10_000, maxRatio: 1000, ratioGrace: 1 << 30)
        await #expect { try await decompress(GzipWriter.gzip(Self.text), limits: limits) } throws: { e in
            "\(e)".contains("past 10000 bytes")
        }
    }

    @Test func zstdRoundTripsThroughTheSystemLibrary() async throws {
        let library = try ZstdLibrary.get()
        let compressed = try library.compress(Self.text)
        #expect(LayerFormat.sniff(compressed[...]) == .zstd)
        #expect(try await decompress(compressed, chunk: 1000) == Self.text)
        #expect(try await decompress(compressed + compressed, chunk: 333) == Self.text + Self.text)
        await #expect { try await decompress(Array(compressed.prefix(compressed.count - 10))) } throws: { e in
            "\(e)".contains("truncated")
        }
    }
}
