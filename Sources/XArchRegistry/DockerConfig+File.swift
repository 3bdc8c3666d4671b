#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import XArchModel

/// Reading and atomically replacing `config.json` (docker/cli `ConfigFile.Save`: a temporary file in
/// the same directory, then a rename; the directory created with mode 0700; a symlinked file is
/// replaced at its target).
extension DockerConfig {
    /// The largest `config.json` read; real ones are a few kilobytes.
    public static let maximumFileSize = 4 * 1024 * 1024

    /// The configuration at `path`, or `nil` when there is no such file.
    public static func load(path: String) throws -> DockerConfig? {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            if !FileManager.default.fileExists(atPath: path) { return nil }
            throw XArchError(.credentials, "Cannot read the docker configuration \(path); check its permissions.",
                             cause: error)
        }
        guard data.count <= maximumFileSize else {
            throw XArchError(.credentials, "The docker configuration \(path) is larger than "
                                 + "\(maximumFileSize) bytes; it cannot be a valid config.json.")
        }
        do {
            return try decode(data)
        } catch let error as XArchError {
            throw XArchError(.credentials, "The docker configuration \(path) cannot be used: \(error.message).",
                             cause: error.cause)
        }
    }

    /// Replaces the file at `path` with this configuration, atomically: the bytes go to a temporary
    /// file (mode 0600) in the same directory, which is flushed and renamed over the target; the
    /// directory is created (mode 0700) if missing. Readers see the old file or the new one.
    public func write(to path: String) throws {
        let target = Self.resolvingSymlink(path)
        let directory = (target as NSString).deletingLastPathComponent
        let bytes = try encoded()
        do {
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory,
                                                    withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw XArchError(.credentials, "Cannot create the directory \(directory) for the docker configuration.",
                             cause: error)
        }
        try DockerConfigFileWriter.replaceAtomically(target, with: bytes, in: directory.isEmpty ? "." : directory)
    }

    /// The target of `path` if it is a symbolic link (even a dangling one), else `path`.
    static func resolvingSymlink(_ path: String) -> String {
        guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return path }
        if destination.hasPrefix("/") { return destination }
        return ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
    }
}

/// The POSIX steps of an atomic whole-file replacement, apart from `DockerConfig` so that its
/// `write(to:)` does not shadow the system call.
enum DockerConfigFileWriter {
    static func replaceAtomically(_ target: String, with bytes: Data, in directory: String) throws {
        let name = (target as NSString).lastPathComponent
        let temp = (directory as NSString).appendingPathComponent(".\(name).tmp-\(UInt64.random(in: 0...UInt64.max))")
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw posixFailure("create a temporary file in", directory) }
        var committed = false
        defer {
            if !committed { unlink(temp) }
        }
        do {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw posixFailure("set the mode of", temp) }
            try writeAll(fd, bytes, path: temp)
            guard fsync(fd) == 0 else { throw posixFailure("flush", temp) }
        }
        guard rename(temp, target) == 0 else { throw posixFailure("replace", target) }
        committed = true
        let dirFD = open(directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: Data, path: String) throws {
        try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw posixFailure("write", path)
                }
                offset += n
            }
        }
    }

    private static func posixFailure(_ verb: String, _ path: String) -> XArchError {
        let reason = String(cString: strerror(errno))
        return XArchError(.credentials, "Cannot \(verb) \(path): \(reason); the docker configuration was not changed.")
    }
}
