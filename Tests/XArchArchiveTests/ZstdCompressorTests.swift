import Foundation
import Testing
@testable import XArchArchive
import XArchModel
import XArchTestSupport

/// zstd layers (RFC 8878): one reproducible frame that libzstd, zstd(1) and our decoder read.
@Suite("zstd compression", .enabled(if: (try? ZstdLibrary.get()) != nil, "libzstd.so.1 is not installed"))
struct ZstdCompressorTests {
    static let input = ParallelGzipTests.sample(3 * 1024 * 1024 + 17)

    @Test func theBytesDoNotDependOnChunking() throws {
        let a = try ParallelGzipTests.run(try ZstdCompressor(level: 3), Self.input, chunk: 1 << 20)
        #expect(try ParallelGzipTests.run(try ZstdCompressor(level: 3), Self.input, chunk: 511) == a)
        #expect(try ParallelGzipTests.run(try ZstdCompressor(level: 9), Self.input, chunk: 1 << 20) != a)
        // Frame header: magic, then the descriptor: no content size (FCS flag 0), checksum flag set, no dictionary ID.
        #expect(Array(a.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        #expect(a[4] & 0b1100_0011 == 0 && a[4] & 0b100 != 0)
    }

    @Test func zstdAndOurDecoderReadIt() async throws {
        let frame = try ParallelGzipTests.run(try ZstdCompressor(level: 3), Self.input, chunk: 4096)
        let decoder = try ZstdDecoder()
        var out: [UInt8] = []
        try decoder.decode(frame) { out += $0 }
        try decoder.finish()
        #expect(out == Self.input)
        let dir = try TestImages.temporaryDirectory("zstd")
        defer { TestImages.cleanup(dir) }
        try Data(frame).write(to: URL(fileURLWithPath: "\(dir)/in.zst"))
        try Data(Self.input).write(to: URL(fileURLWithPath: "\(dir)/in"))
        let result = try await ProcessRun.shell("zstd -q -t '\(dir)/in.zst' && zstd -q -dc '\(dir)/in.zst' | cmp - '\(dir)/in' && echo same")
        #expect(result.stdout == "same\n", "\(result.stderr)")
    }

    @Test func anEmptyInputIsOneValidFrame() throws {
        let frame = try ParallelGzipTests.run(try ZstdCompressor(level: 3), [], chunk: 1)
        let decoder = try ZstdDecoder()
        var out: [UInt8] = []
        try decoder.decode(frame) { out += $0 }
        try decoder.finish()
        #expect(out.isEmpty && !frame.isEmpty)
    }
}
