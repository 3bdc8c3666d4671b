import Foundation
import Testing
@testable import XArchArchive
import XArchModel
import XArchTestSupport

/// Parallel, deterministic gzip (pigz's scheme): byte-identical to `GzipDeflater` up to one block, the
/// same bytes whatever the number of workers or the way input arrives, and valid gzip for gzip(1) and
/// Python's zlib.
@Suite("parallel gzip")
struct ParallelGzipTests {
    static let block = ParallelGzipDeflater.defaultBlockSize

    /// Deterministic bytes that compress somewhat: runs of words, with stretches of pseudo-random bytes.
    static func sample(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var out = [UInt8]()
        out.reserveCapacity(count)
        let words = ["layer ", "tar ", "gzip ", "block ", "index ", "manifest\n", "platform ", "arm64 "]
        while out.count < count {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            if state % 5 == 0 {
                for _ in 0..<64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; out.append(UInt8(truncatingIfNeeded: state)) }
            } else {
                out += Array(words[Int(state >> 40) % words.count].utf8)
            }
        }
        return Array(out.prefix(count))
    }

    /// `input` through `compressor`, fed in pieces of `chunk` bytes.
    static func run(_ compressor: any LayerCompressor, _ input: [UInt8], chunk: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        try input.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = Swift.min(raw.count, offset + chunk)
                try compressor.compress(UnsafeRawBufferPointer(rebasing: raw[offset..<end])) { out.append(contentsOf: $0) }
                offset = end
            }
        }
        try compressor.finish { out.append(contentsOf: $0) }
        return out
    }

    static func parallel(_ input: [UInt8], level: Int32 = 6, workers: Int = 2, chunk: Int = 1 << 20) throws -> [UInt8] {
        try run(ParallelGzipDeflater(level: level, budget: CompressionBudget(limit: workers)), input, chunk: chunk)
    }

    @Test(arguments: [0, 1, 5000, block - 1, block])
    func upToOneBlockIsExactlyTodaysGzip(size: Int) throws {
        let input = Self.sample(size)
        for level: Int32 in [1, 6, 9] {
            // Today's writer is fed as LayerWriter feeds it: 512-byte headers and 1 MiB reads, here 512 and 4093.
            let today = try Self.run(try GzipDeflater(level: level), input, chunk: 4093)
            #expect(try Self.parallel(input, level: level, chunk: 512) == today, "size \(size), level \(level)")
            #expect(try Self.parallel(input, level: level, chunk: 1 << 20) == today, "size \(size), level \(level)")
        }
    }

    @Test func theBytesDoNotDependOnWorkersOrChunking() throws {
        let input = Self.sample(5 * Self.block + 12_345)
        let one = try Self.parallel(input, workers: 1)
        #expect(try Self.parallel(input, workers: 8) == one)
        #expect(try Self.parallel(input, workers: 2, chunk: 777) == one)
        #expect(try Self.parallel(input, workers: 3, chunk: Self.block) == one)
        // More than one block: not the single-stream bytes (each block ends with a sync flush).
        #expect(try Self.run(try GzipDeflater(level: 6), input, chunk: 1 << 20) != one)
    }

    @Test(arguments: [2 * block, 3 * block + 1, 7 * block + 4321])
    func gzipAndPythonZlibReadIt(size: Int) async throws {
        let input = Self.sample(size, seed: UInt64(size))
        let gz = try Self.parallel(input, workers: 4)
        let dir = try TestImages.temporaryDirectory("pgzip")
        defer { TestImages.cleanup(dir) }
        try Data(input).write(to: URL(fileURLWithPath: "\(dir)/in"))
        try Data(gz).write(to: URL(fileURLWithPath: "\(dir)/in.gz"))
        let gzip = try await ProcessRun.shell("gzip -t '\(dir)/in.gz' && gzip -dc '\(dir)/in.gz' | cmp - '\(dir)/in' && echo same")
        #expect(gzip.code == 0 && gzip.stdout == "same\n", "\(gzip.stderr)")
        let python = try await ProcessRun.shell("""
            python3 -c "import zlib,sys; d=open(sys.argv[1],'rb').read(); o=zlib.decompressobj(31); r=o.decompress(d); \
            print(r==open(sys.argv[2],'rb').read(), o.eof, len(o.unused_data))" '\(dir)/in.gz' '\(dir)/in'
            """)
        #expect(python.stdout == "True True 0\n", "\(python.stderr)")
        // One member: the header once, the trailer's ISIZE the whole size.
        #expect(Array(gz.prefix(10)) == [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0xFF])
        let isize = gz.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(isize == size)
    }

    @Test func ourDecoderReadsItInAnyChunking() async throws {
        let input = Self.sample(3 * Self.block + 99)
        let gz = try Self.parallel(input)
        let decoder = try GzipDecoder()
        var out: [UInt8] = []
        var offset = 0
        while offset < gz.count {
            let end = Swift.min(gz.count, offset + 10_007)
            try decoder.decode(Array(gz[offset..<end])) { out += $0 }
            offset = end
        }
        try decoder.finish()
        #expect(out == input)
    }

    @Test(arguments: [1, 2, 4])
    func memoryIsAFewBlocksWhateverTheInputSize(workers: Int) throws {
        let deflater = ParallelGzipDeflater(level: 1, budget: CompressionBudget(limit: workers))
        let input = Self.sample(40 * Self.block)
        _ = try Self.run(deflater, input, chunk: 1 << 20)
        // At most `4 × workers + 2` blocks handed out at once (plus the one being filled), though 40 went through.
        #expect(deflater.peakBlocksHeld <= 4 * workers + 2)
        #expect(deflater.peakBlocksHeld >= 2)
    }

    @Test func aFinishedDeflaterRefusesMore() throws {
        let deflater = ParallelGzipDeflater(level: 6)
        try deflater.finish { _ in }
        #expect(throws: XArchError.self) { try [UInt8(1)].withUnsafeBytes { try deflater.compress($0) { _ in } } }
    }

    /// Pseudo-random bytes (xorshift): what deflate cannot shrink.
    static func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 32)
        }
    }

    /// Blocks deflate cannot shrink are stored without the search: the output is the input plus 5 bytes
    /// per 64 KiB stored block and the gzip frame, decodes to the input (gzip(1)), and the bytes still do
    /// not depend on the workers. Text after random data is compressed again.
    @Test func incompressibleBlocksAreStoredAndDecodeToTheInput() async throws {
        let random = Self.random(3 * Self.block + 777, seed: 7)
        let text = Self.sample(2 * Self.block, seed: 3)
        let input = random + text
        let gz = try Self.parallel(input, workers: 2)
        #expect(try Self.parallel(input, workers: 1) == gz)
        #expect(try Self.parallel(input, workers: 5, chunk: 1000) == gz)
        // The three full random blocks are stored: 4 stored blocks of at most 65535 bytes each, 5 bytes apiece.
        let storedRandom = 3 * (Self.block + 5 * 5)
        let textAlone = try Self.parallel(text, workers: 2).count
        #expect(gz.count < storedRandom + 777 + textAlone + 64, "\(gz.count)")
        #expect(GzipBlock.looksIncompressible(Array(random.prefix(Self.block)), dictionary: []))
        let dir = try TestImages.temporaryDirectory("pgzip-stored")
        defer { TestImages.cleanup(dir) }
        try Data(input).write(to: URL(fileURLWithPath: "\(dir)/in"))
        try Data(gz).write(to: URL(fileURLWithPath: "\(dir)/in.gz"))
        let gzip = try await ProcessRun.shell("gzip -t '\(dir)/in.gz' && gzip -dc '\(dir)/in.gz' | cmp - '\(dir)/in' && echo same")
        #expect(gzip.code == 0 && gzip.stdout == "same\n", "\(gzip.stderr)")
        // And through xarch's own decoder.
        var decoded: [UInt8] = []
        let decoder = try GzipDecoder()
        try decoder.decode(gz) { decoded.append(contentsOf: $0) }
        try decoder.finish()
        #expect(decoded == input)
    }

    /// What only looks random to a byte histogram is still compressed: periodic data with every byte value
    /// equally often, and a random 16 KiB stretch repeated within deflate's window.
    @Test func flatButRepetitiveBlocksAreCompressed() throws {
        let periodic = (0..<(2 * Self.block)).map { UInt8(truncatingIfNeeded: $0) }
        let stretch = Self.random(16 * 1024, seed: 11)
        let repeated = Array(Array(repeating: stretch, count: 2 * Self.block / stretch.count).joined())
        for input in [periodic, repeated] {
            #expect(!GzipBlock.looksIncompressible(Array(input.prefix(Self.block)), dictionary: []))
            let gz = try Self.parallel(input + input, workers: 2)
            #expect(gz.count < input.count / 2, "\(gz.count) bytes for \(2 * input.count)")
        }
        // A random block whose start repeats the dictionary (the end of the block before it) is compressed.
        let before = Self.random(32 * 1024, seed: 5)
        #expect(!GzipBlock.looksIncompressible(before + Self.random(Self.block - before.count, seed: 6), dictionary: before))
        #expect(GzipBlock.looksIncompressible(Self.random(Self.block, seed: 6), dictionary: before))
    }

    /// A layer of one block, random or not, is still exactly today's gzip (the demo's digests).
    @Test func aSingleRandomBlockIsStillTodaysGzip() throws {
        for size in [100_000, Self.block] {
            let input = Self.random(size, seed: UInt64(size))
            let today = try Self.run(try GzipDeflater(level: 6), input, chunk: 4093)
            #expect(try Self.parallel(input, workers: 2) == today)
        }
    }
}
