#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchArchive
import XArchContent
import XArchModel

/// Blobs: image-layout.md, "Blobs". A blob lives at `blobs/<alg>/<encoded>`, and its bytes MUST match
/// that digest; so a blob is written to a temporary file beside its final name, hashed while it is
/// written, verified, fsynced and renamed, and it is hashed again whenever it is read.
extension OCILayout {
    /// `blobs/<alg>/<encoded>` (the digest's syntax is checked when it is parsed, so this never leaves
    /// the layout).
    func blobPath(_ digest: Digest) -> String {
        "\(blobsPath)/\(digest.algorithm.rawValue)/\(digest.encoded)"
    }

    func blobDirectory(_ algorithm: Digest.Algorithm) -> String { "\(blobsPath)/\(algorithm.rawValue)" }

    /// The size of the file of a blob, or nil when it is absent. The content is not verified.
    public func blobSize(_ digest: Digest) async throws -> Int64? { try storedBlobSize(digest) }

    /// Whether a blob is present.
    public func hasBlob(_ digest: Digest) async throws -> Bool { try storedBlobSize(digest) != nil }

    func storedBlobSize(_ digest: Digest) throws -> Int64? {
        guard let st = try POSIXFile.status(blobPath(digest)), POSIXFile.isRegular(st) else { return nil }
        return Int64(st.st_size)
    }

    /// Streams a blob in chunks of about 1 MiB, hashing as it goes; the stream throws at its end when
    /// the bytes do not match `descriptor` (a blob corrupted on disk is detected), and as soon as more
    /// bytes than `descriptor.size` are read. A missing blob is an `XArchError(.notFound)` at once.
    public func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        let file = blobPath(descriptor.digest)
        guard let st = try POSIXFile.status(file) else { throw missingBlob(descriptor.digest) }
        guard POSIXFile.isRegular(st) else {
            throw XArchError(.invalidInput, "blob \(descriptor.digest) in layout \(path) is \(POSIXFile.kind(of: st)), not a file")
        }
        let layoutPath = path
        return ByteStream {
            let reader = BlobReader(path: file, expected: descriptor, layoutPath: layoutPath)
            return { try reader.next() }
        }
    }

    /// Stores a blob from a stream (image-layout.md, "Blobs"). When a file of the right size is already
    /// there the stream is not read. Otherwise the bytes go to `blobs/<alg>/.tmp-*`, hashed as they are
    /// written (memory stays bounded by one chunk), are checked against `descriptor.digest` and
    /// `descriptor.size` (on a mismatch the temporary file is removed and
    /// `XArchError(.digestMismatch)` names both digests), then fsynced and renamed into place.
    public func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws {
        if try storedBlobSize(descriptor.digest) == descriptor.size { return }
        let directory = try ensureBlobDirectory(descriptor.digest.algorithm)
        let temp = try TempFile(in: directory)
        do {
            var hasher = DigestHasher(descriptor.digest.algorithm)
            for try await chunk in stream {
                guard hasher.count + Int64(chunk.count) <= descriptor.size else {
                    throw XArchError(.digestMismatch, "blob \(descriptor.digest) for layout \(path) is longer than the \(descriptor.size) bytes its descriptor announces; nothing was stored")
                }
                hasher.update(chunk)
                try temp.write(chunk)
            }
            try checkWritten(hasher, against: descriptor)
            try temp.commit(as: blobPath(descriptor.digest))
        } catch {
            temp.discard()
            throw error
        }
    }

    /// Stores small content held in memory (a manifest) as a blob, verified like `putBlob`.
    func putBlobBytes(_ bytes: [UInt8], as descriptor: Descriptor) throws {
        if try storedBlobSize(descriptor.digest) == descriptor.size { return }
        var hasher = DigestHasher(descriptor.digest.algorithm)
        hasher.update(bytes)
        try checkWritten(hasher, against: descriptor)
        let directory = try ensureBlobDirectory(descriptor.digest.algorithm)
        try AtomicFile.write(bytes, to: blobPath(descriptor.digest), in: directory)
    }

    /// Reads a small blob whole (a manifest), refusing more than `limit` bytes. Not verified here: the
    /// caller parses and verifies it (`ManifestDocument`).
    func readSmallBlob(_ digest: Digest, limit: Int) throws -> [UInt8]? {
        do {
            return try POSIXFile.readFile(blobPath(digest), limit: limit, what: "blob \(digest) in layout \(path)")
        } catch let error as XArchError where error.code == .notFound {
            return nil
        }
    }

    func missingBlob(_ digest: Digest) -> XArchError {
        XArchError(.notFound, "blob \(digest) is missing from layout \(path)")
    }

    private func checkWritten(_ hasher: DigestHasher, against descriptor: Descriptor) throws {
        let actual = hasher.finalize()
        guard actual == descriptor.digest else {
            throw XArchError(.digestMismatch, "content written to layout \(path) has digest \(actual), not the expected \(descriptor.digest); nothing was stored")
        }
        guard hasher.count == descriptor.size else {
            throw XArchError(.digestMismatch, "blob \(descriptor.digest) for layout \(path) is \(hasher.count) bytes, not the \(descriptor.size) its descriptor announces; nothing was stored")
        }
    }

    /// `blobs/<alg>/`, created (and made durable) when a layout written by another tool lacks it.
    private func ensureBlobDirectory(_ algorithm: Digest.Algorithm) throws -> String {
        let directory = blobDirectory(algorithm)
        if let st = try POSIXFile.status(directory), POSIXFile.isDirectory(st) { return directory }
        try POSIXFile.makeDirectory(blobsPath)
        try POSIXFile.makeDirectory(directory)
        try POSIXFile.syncDirectory(blobsPath)
        try POSIXFile.syncDirectory(path)
        return directory
    }
}

/// Reads one blob file sequentially, hashing it, for one iteration of a `ByteStream`.
///
/// Used by exactly one iterator, which stays in the task that made it (`ByteStream`'s iterator is not
/// `Sendable`). The file is opened on the first `next()` and closed at its end or on an
/// error; `deinit` closes it only when a consumer stops iterating early.
final class BlobReader {
    static let chunkSize = 1024 * 1024

    let path: String
    let expected: Descriptor
    let layoutPath: String
    private var fd: Int32 = -1
    private var hasher: DigestHasher
    private var finished = false

    init(path: String, expected: Descriptor, layoutPath: String) {
        self.path = path
        self.expected = expected
        self.layoutPath = layoutPath
        self.hasher = DigestHasher(expected.digest.algorithm)
    }

    deinit { if fd >= 0 { POSIXFile.closeQuietly(fd) } }

    func next() throws -> [UInt8]? {
        if finished { return nil }
        do {
            if fd < 0 { fd = try openFile() }
            // Ask for at most one byte past the announced size, so an overlong file is caught early.
            let remaining = expected.size - hasher.count
            let want = Int(min(Int64(Self.chunkSize), max(remaining, 0) + 1))
            let fd = self.fd
            let chunk = try [UInt8](unsafeUninitializedCapacity: want) { buffer, count in
                count = try POSIXFile.read(fd, into: buffer.baseAddress!, count: want, path: path)
            }
            if chunk.isEmpty {
                try finish()
                return nil
            }
            hasher.update(chunk)
            guard hasher.count <= expected.size else {
                throw XArchError(.digestMismatch, "blob \(expected.digest) in layout \(layoutPath) is larger than the \(expected.size) bytes its descriptor says; the layout is damaged")
            }
            return chunk
        } catch {
            close()
            finished = true
            throw error
        }
    }

    private func openFile() throws -> Int32 {
        do {
            return try POSIXFile.open(path, O_RDONLY, verb: "read")
        } catch let error as XArchError where error.code == .notFound {
            throw XArchError(.notFound, "blob \(expected.digest) is missing from layout \(layoutPath)")
        }
    }

    private func finish() throws {
        close()
        finished = true
        guard hasher.count == expected.size else {
            throw XArchError(.digestMismatch, "blob \(expected.digest) in layout \(layoutPath) is \(hasher.count) bytes, not the \(expected.size) its descriptor says; the layout is damaged")
        }
        let actual = hasher.finalize()
        guard actual == expected.digest else {
            throw XArchError(.digestMismatch, "blob \(expected.digest) in layout \(layoutPath) has digest \(actual): its file is corrupt")
        }
    }

    private func close() {
        if fd >= 0 { POSIXFile.closeQuietly(fd) }
        fd = -1
    }
}
