import CZlib

extension GzipBlock {
    /// The block as deflate *stored* blocks (RFC 1951 section 3.2.4: `BTYPE=00`, then `LEN`, `NLEN` and
    /// the bytes, at most 65535 at a time), written by hand, so the bytes depend on nothing but the
    /// input: for content deflate cannot shrink (compressed files, random data), what zlib would emit
    /// after searching the whole block for matches in vain, without the search.
    ///
    /// A block starts on a byte boundary (the stream's start, or after the previous block's sync flush
    /// or stored data) and ends on one, so it needs no flush of its own; `last` sets the final-block bit
    /// on its last stored block.
    static func store(_ input: [UInt8], last: Bool) -> GzipBlock {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 5 * (input.count / 65535 + 1))
        var offset = 0
        repeat {
            let length = Swift.min(65535, input.count - offset)
            let final = last && offset + length == input.count
            output.append(final ? 1 : 0)  // BFINAL, BTYPE=00, padded to the byte boundary
            output.append(UInt8(length & 0xFF))
            output.append(UInt8(length >> 8))
            output.append(UInt8(~length & 0xFF))
            output.append(UInt8((~length >> 8) & 0xFF))
            output.append(contentsOf: input[offset..<(offset + length)])
            offset += length
        } while offset < input.count
        let check = input.withUnsafeBufferPointer { crc32(crc32(0, nil, 0), $0.baseAddress, uInt($0.count)) }
        return GzipBlock(bytes: output, crc: check, length: input.count)
    }

    /// Whether deflate would search `input` in vain, judged cheaply and only from the bytes (integers
    /// only, so every machine decides alike — the decision is part of the reproducibility contract):
    ///
    /// 1. every byte value occurs about equally often (each count within 6 standard deviations of
    ///    `count / 256`, first on every 4th byte, then on all): Huffman coding gains nothing; and
    /// 2. no 8-byte string recurs within deflate's 32 KiB window (sampled every 16 bytes against every
    ///    position of the window, `dictionary` included): matches gain nothing.
    ///
    /// Text, executables and tar headers fail the first test at once; compressed or encrypted content
    /// passes both. A flat histogram over periodic data (`0, 1, … 255, 0, 1, …`) fails the second.
    static func looksIncompressible(_ input: [UInt8], dictionary: [UInt8]) -> Bool {
        guard input.count >= 64 * 1024 else { return false }
        return input.withUnsafeBufferPointer { bytes in
            flatHistogram(bytes, stride: 4) && flatHistogram(bytes, stride: 1) && !hasRepeats(bytes, dictionary: dictionary)
        }
    }

    private static func flatHistogram(_ bytes: UnsafeBufferPointer<UInt8>, stride: Int) -> Bool {
        var counts = [Int](repeating: 0, count: 256)
        var i = 0
        while i < bytes.count {
            counts[Int(bytes[i])] &+= 1
            i &+= stride
        }
        let samples = (bytes.count + stride - 1) / stride
        let expected = samples / 256
        // 6σ of a binomial(samples, 1/256) count, plus a little for small blocks.
        var root = 0
        while (root + 1) * (root + 1) <= expected { root += 1 }
        let tolerance = 6 * root + 8
        return counts.allSatisfy { abs($0 - expected) <= tolerance }
    }

    private static func hasRepeats(_ bytes: UnsafeBufferPointer<UInt8>, dictionary: [UInt8]) -> Bool {
        let bits = 16
        var table = [Int32](repeating: -1, count: 1 << bits)
        var all = dictionary
        all.append(contentsOf: bytes)
        let start = dictionary.count
        let allowed = bytes.count / 4096  // sampled repeats covering at most about 1/256 of the block
        var repeats = 0
        return all.withUnsafeBufferPointer { data -> Bool in
            guard data.count >= 8 else { return false }
            // The 8 bytes ending at position i + 7, rolled one byte at a time.
            var value: UInt64 = 0
            for k in 0..<7 { value = value << 8 | UInt64(data[k]) }
            var i = 0
            while i + 8 <= data.count {
                value = value << 8 | UInt64(data[i + 7])
                let slot = Int(truncatingIfNeeded: (value &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
                if i >= start, (i - start) & 15 == 0 {
                    let earlier = Int(table[slot])
                    if earlier >= 0, i - earlier <= windowSize, Self.equal8(data, earlier, i) {
                        repeats += 1
                        if repeats > allowed { return true }
                    }
                }
                table[slot] = Int32(i)
                i += 1
            }
            return false
        }
    }

    @inline(__always)
    private static func equal8(_ data: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int) -> Bool {
        for k in 0..<8 where data[a + k] != data[b + k] { return false }
        return true
    }
}
