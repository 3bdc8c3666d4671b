import XArchModel

/// A pull-based stream of byte chunks: the consumer asks for the next chunk, so a producer never runs
/// ahead of it and memory stays bounded whatever the blob size.
///
/// The stream is `Sendable` (it can be handed to another task before iteration starts); its iterator
/// is not, like async-http-client's response body: one iteration belongs to one task, so the state of
/// an iteration (a file handle, a decompressor, a cursor) needs no lock and no `@unchecked Sendable`.
public struct ByteStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    private let makeNext: @Sendable () -> () async throws -> [UInt8]?

    /// A stream whose iterator is made by `makeNext`; each call of the returned closure yields the next
    /// chunk, or nil at the end. The closure and what it holds belong to one iteration.
    public init(_ makeNext: @escaping @Sendable () -> () async throws -> [UInt8]?) {
        self.makeNext = makeNext
    }

    /// A stream of one in-memory buffer, cut into chunks of `chunkSize`.
    public init(bytes: [UInt8], chunkSize: Int = 64 * 1024) {
        self.init {
            let state = Cursor(bytes: bytes, chunk: Swift.max(1, chunkSize))
            return { state.next() }
        }
    }

    /// One iteration: not `Sendable`, it stays with the task that made it.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let next: () async throws -> [UInt8]?
        public mutating func next() async throws -> [UInt8]? { try await next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(next: makeNext()) }

    /// Reads the whole stream into memory, refusing more than `limit` bytes. Only for small content
    /// (manifests, configs); blobs are streamed.
    public func collect(limit: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await chunk in self {
            guard out.count + chunk.count <= limit else {
                throw ContentError.tooLarge(limit: limit)
            }
            out += chunk
        }
        return out
    }
}

/// Errors raised by the content layer itself.
enum ContentError {
    static func tooLarge(limit: Int) -> XArchError {
        XArchError(.tooLarge, "content is larger than the \(limit)-byte limit for its kind")
    }
}

/// The position of one iteration over an in-memory buffer.
private final class Cursor {
    let bytes: [UInt8]
    let chunk: Int
    var offset = 0
    init(bytes: [UInt8], chunk: Int) { self.bytes = bytes; self.chunk = chunk }
    func next() -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = Swift.min(bytes.count, offset + chunk)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
