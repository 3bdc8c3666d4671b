#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchModel

/// Thin, throwing wrappers over the POSIX calls the stores and the build use: the one place with an
/// EINTR loop and an errno mapping. Every failure becomes an `XArchError` — `.notFound` for ENOENT,
/// `.io` otherwise — saying "cannot VERB PATH: <strerror>", never a trap.
package enum POSIXFile {
    /// The error for the current `errno`.
    package static func error(_ verb: String, _ path: String, errno code: Int32 = errno) -> XArchError {
        let reason = String(cString: strerror(code))
        let kind: XArchError.Code = code == ENOENT ? .notFound : .io
        return XArchError(kind, "cannot \(verb) \(path): \(reason)")
    }

    /// Opens `path`, retrying on EINTR.
    package static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644, verb: String = "open") throws -> Int32 {
        while true {
            let fd = systemOpen(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw error(verb, path) }
        }
    }

    /// Closes `fd`, ignoring errors: used on paths that are already failing or only read.
    package static func closeQuietly(_ fd: Int32) { _ = systemClose(fd) }

    /// Writes all of `bytes` to `fd`.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw error("write", path)
            }
            offset += n
        }
    }

    /// Reads up to `count` bytes into `buffer`; 0 at the end of the file.
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, path: String) throws -> Int {
        while true {
            let n = systemRead(fd, buffer, count)
            if n >= 0 { return n }
            if errno != EINTR { throw error("read", path) }
        }
    }

    /// Flushes `fd` to stable storage.
    package static func sync(_ fd: Int32, path: String) throws {
        while fsync(fd) != 0 {
            if errno != EINTR { throw error("write", path) }
        }
    }

    /// Flushes a directory, so that a rename or a new entry in it survives a crash.
    package static func syncDirectory(_ path: String) throws {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { closeQuietly(fd) }
        try sync(fd, path: path)
    }

    /// Renames `from` to `to` atomically (both in the same directory).
    package static func rename(_ from: String, _ to: String) throws {
        guard systemRename(from, to) == 0 else { throw error("write", to) }
    }

    /// Removes a file; a missing file is not an error.
    package static func removeIfPresent(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw error("remove", path) }
    }

    /// Creates a directory; an existing directory is not an error.
    package static func makeDirectory(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw error("create directory", path) }
    }

    /// `mkdir -p`: `path` and every missing directory above it (0755); existing ones are left as they are.
    package static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            try makeDirectory(current)
        }
    }

    /// The `stat` of `path`, or nil when it does not exist.
    package static func status(_ path: String) throws -> stat? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw error("read", path)
        }
        return st
    }

    /// Whether `st` describes a regular file / a directory.
    package static func isRegular(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFREG }
    package static func isDirectory(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFDIR }

    /// What a file that is not a regular file is, for messages: "a directory", "a device", ….
    package static func kind(of st: stat) -> String {
        switch st.st_mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// Reads a whole small file, refusing more than `limit` bytes. `what` names it in the error.
    ///
    /// The file is opened without blocking and must be a regular file (a FIFO standing for `index.json`
    /// would otherwise block the open, and the read, forever), unless `streams` allows pipes and FIFOs
    /// (`--secret src=<(command)`).
    ///
    /// With `lineLimit`, a line (bytes between `\n`s, a trailing `\r` not counted) longer than it is an
    /// error as soon as it is read: a text file that is one huge line is never held whole.
    package static func readFile(_ path: String, limit: Int, what: String, streams: Bool = false,
                                 lineLimit: Int? = nil) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, verb: "read")
        defer { closeQuietly(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw error("inspect", path) }
        let type = st.st_mode & S_IFMT
        guard type == S_IFREG || (streams && type == S_IFIFO) else {
            throw XArchError(.invalidInput, "\(what) (\(path)) is \(kind(of: st)), not a file")
        }
        if type == S_IFIFO {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) // a pipe is read until its writer is done
        }
        var out: [UInt8] = []
        var lines = LineLengths()
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try read(fd, into: $0.baseAddress!, count: chunk, path: path) }
            if n == 0 { return out }
            guard out.count + n <= limit else {
                throw XArchError(.tooLarge, "\(what) (\(path)) is larger than the \(limit)-byte limit")
            }
            if let lineLimit { try lines.check(buffer[0..<n], limit: lineLimit, what: "\(what) (\(path))") }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    /// The names in a directory, without `.` and `..`; nil when it does not exist.
    package static func directoryEntries(_ path: String) throws -> [String]? {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return nil }
            throw error("list", path)
        }
        defer { closedir(dir) }
        return names(in: dir)
    }

    /// The names left in an open directory stream, without `.` and `..`.
    package static func names(in stream: OpaquePointer) -> [String] {
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// A random lowercase hex suffix for temporary names.
    package static func randomSuffix() -> String {
        var g = SystemRandomNumberGenerator()
        return String(g.next() as UInt64, radix: 16) + String(g.next() as UInt32, radix: 16)
    }
}

// The C functions under names that do not clash with the wrappers above.
private func systemOpen(_ p: UnsafePointer<CChar>, _ f: Int32, _ m: mode_t) -> Int32 { open(p, f, m) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRead(_ fd: Int32, _ b: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, b, n) }
private func systemWrite(_ fd: Int32, _ b: UnsafeRawPointer, _ n: Int) -> Int { write(fd, b, n) }
private func systemRename(_ a: UnsafePointer<CChar>, _ b: UnsafePointer<CChar>) -> Int32 { rename(a, b) }
