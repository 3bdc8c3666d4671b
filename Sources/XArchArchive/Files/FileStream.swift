import XArchContent

/// A `ByteStream` of a local file, read in 1 MiB chunks (memory bounded by one chunk), for handing a
/// written layer to a store.
package enum FileStream {
    /// The stream of the file at `path`; opened on the first read, closed at its end or on an error.
    package static func open(_ path: String) -> ByteStream {
        ByteStream {
            let reader = ChunkedFileReader(path: path)
            return { try reader.next() }
        }
    }
}

/// Reads one file sequentially for one iteration of a `ByteStream`; used by exactly one iterator at a
/// time (the iteration of one task). The file is closed at its end or on an error.
private final class ChunkedFileReader {
    let path: String
    private var file: LocalFile?
    private var done = false

    init(path: String) { self.path = path }

    func next() throws -> [UInt8]? {
        guard !done else { return nil }
        do {
            let handle = try file ?? LocalFile.openForReading(path)
            file = handle
            let chunk = try [UInt8](unsafeUninitializedCapacity: 1 << 20) { buffer, count in
                count = try handle.read(into: UnsafeMutableRawBufferPointer(buffer))
            }
            if chunk.isEmpty { finish() }
            return chunk.isEmpty ? nil : chunk
        } catch {
            finish()
            throw error
        }
    }

    private func finish() {
        file?.close()
        file = nil
        done = true
    }
}
