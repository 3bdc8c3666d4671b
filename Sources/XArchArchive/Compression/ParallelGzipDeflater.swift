import CZlib
import Dispatch
import XArchModel

/// A gzip member (RFC 1952) compressed on several cores, whose bytes still depend only on the input,
/// the level and the block size — never on the number of threads or the machine (pigz's scheme,
/// implemented here):
///
/// - the input is cut into blocks of exactly `blockSize` bytes (the last one shorter);
/// - each block is compressed on its own (`GzipBlock`), primed with the last 32 KiB of the block
///   before it and ended with a sync flush, the last one with `Z_FINISH`;
/// - the blocks are written in order between the fixed header and one trailer, whose CRC-32 is
///   combined from the blocks' (`crc32_combine`) and whose `ISIZE` is the total size.
///
/// An input of at most one block is compressed exactly as `GzipDeflater` does, so small layers keep
/// the digests they had before blocks existed. The block size is part of the reproducibility contract
/// (`defaultBlockSize`, 256 KiB), and so is the test that stores a block instead of compressing it
/// (`GzipBlock.looksIncompressible`: random or already-compressed content, which deflate would search
/// for matches in vain and emit as stored blocks anyway; `GzipBlock.store`).
///
/// Streaming: at most 4 × the budget's limit + 2 blocks are handed out at once (waiting, being compressed,
/// or compressed and not yet written), plus the one being filled, so memory does not grow with the input
/// (with 2 cores, 10 blocks: 2.5 MiB of input and about as much output). The depth lets a worker go on
/// while the oldest block is still being compressed (with limit + 2, measured: 101 % CPU on 2 cores;
/// with 4 × limit + 2: 168 %). Blocks are compressed within a shared
/// `CompressionBudget`; `compress` and `finish` wait (on the caller's thread, which must not be one of
/// Swift's cooperative pool) only when that many blocks are in flight.
public final class ParallelGzipDeflater: LayerCompressor {
    /// The block size of xarch's gzip layers: 256 KiB. Changing it changes the digest of every layer
    /// larger than one block.
    public static let defaultBlockSize = 256 * 1024

    private let level: Int32
    private let blockSize: Int
    private let budget: CompressionBudget
    private let inFlight: Int
    private var block: [UInt8] = []
    private var dictionary: [UInt8] = []
    private var pending: [PendingBlock] = []
    private var crc: UInt = crc32(0, nil, 0)
    private var inputSize: UInt64 = 0
    private var headerWritten = false
    /// Blocks handed out so far.
    private var sentBlocks = 0
    private var open = true
    /// The most blocks handed out at once (being compressed, or compressed and not yet written; the block
    /// being filled comes on top), for tests of the bound.
    private(set) var peakBlocksHeld = 0

    /// A deflater at zlib `level` (1 … 9) cutting blocks of `blockSize` bytes (at least 32 KiB, the
    /// deflate window), compressing them within `budget`.
    public init(level: Int32, blockSize: Int = defaultBlockSize, budget: CompressionBudget = .shared) {
        self.level = level
        self.blockSize = Swift.max(GzipBlock.windowSize, blockSize)
        self.budget = budget
        inFlight = 4 * budget.limit + 2
        block.reserveCapacity(self.blockSize)
    }

    public func compress(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try writeHeaderOnce(sink)
        var rest = input[...]
        while !rest.isEmpty {
            // A full block is sent only when more input follows: the last block must end the stream.
            if block.count == blockSize { try send(last: false, sink: sink) }
            let n = Swift.min(blockSize - block.count, rest.count)
            block.append(contentsOf: rest.prefix(n))
            rest = rest.dropFirst(n)
        }
    }

    public func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        defer { discard() }
        try writeHeaderOnce(sink)
        try send(last: true, sink: sink)
        while !pending.isEmpty { try writeFirst(sink) }
        try GzipMember.trailer(crc: crc, size: inputSize).withUnsafeBytes { try sink($0) }
    }

    public func discard() {
        open = false
        pending = []  // blocks still being compressed finish on their own and are dropped
        block = []
        dictionary = []
    }

    /// Hands the current block to the budget and, while too many blocks are in flight, writes the first.
    private func send(last: Bool, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let input = block, primer = dictionary, level = self.level
        // The only block of a layer is compressed as GzipDeflater compresses it (small layers keep
        // their digests); any other block deflate cannot shrink is stored without the search.
        let mayStore = !(last && sentBlocks == 0)
        sentBlocks += 1
        dictionary = Array(block.suffix(GzipBlock.windowSize))
        block = []
        block.reserveCapacity(blockSize)
        let result = PendingBlock()
        pending.append(result)
        peakBlocksHeld = Swift.max(peakBlocksHeld, pending.count)
        budget.run {
            result.complete(Result {
                if mayStore, GzipBlock.looksIncompressible(input, dictionary: primer) { return GzipBlock.store(input, last: last) }
                return try GzipBlock.deflate(input, dictionary: primer, level: level, last: last)
            })
        }
        while pending.count >= inFlight { try writeFirst(sink) }
    }

    /// Waits for the oldest block, then writes it and folds its CRC into the member's.
    private func writeFirst(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let done = try pending.removeFirst().wait()
        crc = crc32_combine(crc, done.crc, .init(done.length))
        inputSize &+= UInt64(done.length)
        try done.bytes.withUnsafeBytes { try sink($0) }
    }

    private func writeHeaderOnce(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard open else { throw XArchError(.io, "gzip compression was already finished") }
        guard !headerWritten else { return }
        headerWritten = true
        try GzipMember.header(level: level).withUnsafeBytes { try sink($0) }
    }
}

/// A block being compressed: set once by the job, read by the writer after `wait()`.
///
/// `@unchecked Sendable`: `result` is written once, before `signal()`, by the one job that owns the
/// block, and read only after `wait()` has returned that signal, which orders the write before the read.
private final class PendingBlock: @unchecked Sendable {
    private var result: Result<GzipBlock, any Error>?
    private let ready = DispatchSemaphore(value: 0)

    func complete(_ result: Result<GzipBlock, any Error>) {
        self.result = result
        ready.signal()
    }

    func wait() throws -> GzipBlock {
        ready.wait()
        guard let result else { throw XArchError(.io, "a gzip block was not compressed") }
        return try result.get()
    }
}
