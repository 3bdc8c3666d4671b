#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchModel

/// An open file descriptor for the build's sequential reads and writes. Every failure is an
/// `XArchError` naming the path; `close()` is explicit (no life cycle hidden in `deinit`).
package struct LocalFile {
    package let descriptor: Int32
    package let path: String

    /// Opens `path` for reading.
    package static func openForReading(_ path: String) throws -> LocalFile {
        try LocalFile(path: path, flags: O_RDONLY, verb: "read")
    }

    /// Creates `path`, which must not exist yet.
    package static func create(_ path: String) throws -> LocalFile {
        try LocalFile(path: path, flags: O_WRONLY | O_CREAT | O_EXCL, verb: "create")
    }

    private init(path: String, flags: Int32, verb: String) throws {
        self.path = path
        descriptor = try POSIXFile.open(path, flags, verb: verb)
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try POSIXFile.read(descriptor, into: buffer.baseAddress!, count: buffer.count, path: path)
    }

    /// Reads up to `buffer.count` bytes at `offset`, leaving the file position alone; 0 at the end.
    package func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = cPread(descriptor, buffer.baseAddress!, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw POSIXFile.error("read", path) }
        }
    }

    /// Up to `count` bytes of the file at `path` from `offset` (fewer at its end).
    package static func readAll(_ path: String, offset: Int64, count: Int) throws -> [UInt8] {
        let file = try openForReading(path)
        defer { file.close() }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = try out.withUnsafeMutableBytes { try file.read(at: offset + Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: $0[done...])) }
            if n == 0 { break }
            done += n
        }
        return Array(out[..<done])
    }

    /// Writes all of `bytes`.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        try POSIXFile.writeAll(descriptor, bytes, path: path)
    }

    package func close() { POSIXFile.closeQuietly(descriptor) }

    /// Removes a file, ignoring a missing one.
    package static func remove(_ path: String) { _ = unlink(path) }
}

private func cPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: off_t) -> Int {
    pread(fd, buffer, count, offset)
}
