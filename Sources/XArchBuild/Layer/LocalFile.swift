#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchModel

/// An open file descriptor for the build's sequential reads and writes. Every failure is an
/// `XArchError` naming the path; `close()` is explicit (style.md: no lifecycles hidden in `deinit`).
struct LocalFile {
    let descriptor: Int32
    let path: String

    /// Opens `path` for reading.
    static func openForReading(_ path: String) throws -> LocalFile {
        try LocalFile(path: path, flags: O_RDONLY, verb: "read")
    }

    /// Creates `path`, which must not exist yet.
    static func create(_ path: String) throws -> LocalFile {
        try LocalFile(path: path, flags: O_WRONLY | O_CREAT | O_EXCL, verb: "create")
    }

    private init(path: String, flags: Int32, verb: String) throws {
        self.path = path
        var fd: Int32
        repeat { fd = open(path, flags | O_CLOEXEC, 0o644) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw Self.failure(verb, path) }
        descriptor = fd
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = cRead(descriptor, buffer.baseAddress!, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw Self.failure("read", path) }
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`, leaving the file position alone; 0 at the end.
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = cPread(descriptor, buffer.baseAddress!, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw Self.failure("read", path) }
        }
    }

    /// Up to `count` bytes of the file at `path` from `offset` (fewer at its end).
    static func readAll(_ path: String, offset: Int64, count: Int) throws -> [UInt8] {
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
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = cWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Self.failure("write", path) }
            done += n
        }
    }

    func close() { _ = cClose(descriptor) }

    static func failure(_ verb: String, _ path: String) -> XArchError {
        let code = errno
        return XArchError(code == ENOENT ? .notFound : .io, "cannot \(verb) \(path): \(String(cString: strerror(code)))")
    }

    /// Removes a file, ignoring a missing one.
    static func remove(_ path: String) { _ = unlink(path) }
}

private func cRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func cWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
private func cPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: off_t) -> Int {
    pread(fd, buffer, count, offset)
}
private func cClose(_ fd: Int32) -> Int32 { close(fd) }
