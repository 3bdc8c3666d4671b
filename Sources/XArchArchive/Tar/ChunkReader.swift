import XArchContent
import XArchModel

/// Reads exact byte counts and skips over a `ByteStream` without copying what it skips: the only
/// bytes ever copied are those a caller asks for.
final class ChunkReader {
    private var source: ByteStream.AsyncIterator
    private var chunk: [UInt8] = []
    private var position = 0
    /// Bytes consumed so far (read or skipped), for offsets in messages.
    private(set) var offset: Int64 = 0

    init(_ stream: ByteStream) { source = stream.makeAsyncIterator() }

    /// Makes sure there are bytes to read; false at the end of the stream.
    private func fill() async throws -> Bool {
        while position >= chunk.count {
            guard let next = try await source.next() else { return false }
            chunk = next
            position = 0
        }
        return true
    }

    /// Up to `count` bytes; fewer only at the end of the stream.
    func read(upTo count: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count, try await fill() {
            let take = Swift.min(count - out.count, chunk.count - position)
            out.append(contentsOf: chunk[position..<position + take])
            position += take
            offset += Int64(take)
        }
        return out
    }

    /// Skips up to `count` bytes; returns how many were skipped (fewer only at the end).
    func skip(_ count: Int64) async throws -> Int64 {
        var skipped: Int64 = 0
        while skipped < count, try await fill() {
            let take = Int(Swift.min(count - skipped, Int64(chunk.count - position)))
            position += take
            skipped += Int64(take)
        }
        offset += skipped
        return skipped
    }

    /// Consumes the rest of the stream, so that the source checks the blob's digest at its end.
    func drain() async throws {
        position = chunk.count
        while let next = try await source.next() { offset += Int64(next.count) }
        chunk = []
        position = 0
    }
}
