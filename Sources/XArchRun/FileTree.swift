#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchArchive
import XArchModel

/// File system calls relative to an open directory (the `*at` family), each on one name inside that
/// directory and never following a symlink in it: the only way the unpacker touches the disk, so a
/// path can never leave the directory it starts from. `display` names the path in messages.
enum FileTree {
    /// What a name in a directory is, without following a symlink.
    enum Kind: Equatable {
        case missing, directory, symlink, other
    }

    static func kind(_ directory: Int32, _ name: String, display: String) throws -> Kind {
        var st = stat()
        guard fstatat(directory, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return .missing }
            throw POSIXFile.error("inspect", display)
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Opens the directory `name` in `directory`; nil when it is missing, not a directory, or a symlink.
    static func openDirectory(_ directory: Int32, _ name: String, display: String) throws -> Int32? {
        let fd = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 { return fd }
        if errno == ENOENT || errno == ENOTDIR || errno == ELOOP { return nil }
        throw POSIXFile.error("open", display)
    }

    /// Opens the directory at `path` (absolute or relative to the working directory).
    static func openDirectory(path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFile.error("open", path) }
        return fd
    }

    /// Creates the directory `name` (mode 0755 whatever the umask; the owner can always write it while
    /// unpacking).
    static func makeDirectory(_ directory: Int32, _ name: String, display: String) throws {
        guard mkdirat(directory, name, 0o755) == 0 else { throw POSIXFile.error("create directory", display) }
        try setMode(directory, name, 0o755, display: display)
    }

    /// Sets the mode of `name`, just created by the unpacker and not a symlink (so there is nothing
    /// to follow), past the umask `mkdirat`, `mkfifoat` and `mknodat` apply.
    static func setMode(_ directory: Int32, _ name: String, _ mode: UInt32, display: String) throws {
        guard fchmodat(directory, name, mode_t(mode & 0o7777), 0) == 0 else { throw POSIXFile.error("set the mode of", display) }
    }

    /// The names in the open directory `directory`, without `.` and `..`.
    static func names(_ directory: Int32, display: String) throws -> [String] {
        let copy = dup(directory)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { POSIXFile.closeQuietly(copy) }
            throw POSIXFile.error("list", display)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        return POSIXFile.names(in: stream)
    }

    /// Removes `name` from `directory`, with everything under it when it is a directory (symlinks are
    /// removed, never followed). Read-only directories are made writable first. A missing name is fine.
    static func remove(_ directory: Int32, _ name: String, display: String) throws {
        switch try kind(directory, name, display: display) {
        case .missing: return
        case .directory:
            guard let fd = try openDirectory(directory, name, display: display) else { return }
            defer { POSIXFile.closeQuietly(fd) }
            var st = stat()
            if fstat(fd, &st) == 0, st.st_mode & 0o700 != 0o700 { _ = fchmod(fd, st.st_mode & 0o7777 | 0o700) }
            for child in try names(fd, display: display) {
                try remove(fd, child, display: display + "/" + child)
            }
            guard unlinkat(directory, name, AT_REMOVEDIR) == 0 || errno == ENOENT else {
                throw POSIXFile.error("remove", display)
            }
        case .symlink, .other:
            guard unlinkat(directory, name, 0) == 0 || errno == ENOENT else { throw POSIXFile.error("remove", display) }
        }
    }

    /// Removes the directory at `path` and everything under it; a missing path is fine.
    static func remove(path: String) throws {
        let (parent, base) = split(path)
        let fd = try openDirectory(path: parent)
        defer { POSIXFile.closeQuietly(fd) }
        try remove(fd, base, display: path)
    }

    /// The parent directory and last component of a file system path (`/a/b` → `/a`, `b`).
    static func split(_ path: String) -> (parent: String, base: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let parent = trimmed[..<slash]
        return (parent.isEmpty ? "/" : String(parent), String(trimmed[trimmed.index(after: slash)...]))
    }

    /// `seconds` as the access and modification times `utimensat`/`futimens` take.
    static func times(_ seconds: Int64) -> [timespec] {
        let time = timespec(tv_sec: Int(seconds), tv_nsec: 0)
        return [time, time]
    }
}
