#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchArchive
import XArchModel

/// An exclusive advisory lock on a directory, taken with `flock(2)` on the directory's own file
/// descriptor. No lock file is created, so the layout stays exactly what image-layout.md describes
/// and skopeo or umoci see nothing extra in it.
///
/// `flock` locks belong to an open file description, so two `open`s in one process exclude each
/// other just as two processes do; the lock is released when the descriptor is closed, including
/// when the process dies, so a killed writer never leaves a stale lock behind.
enum FileLock {
    /// Runs `body` while holding the exclusive lock on `directory`. `body` must not suspend: the lock
    /// is held by this thread's descriptor and blocks other writers until it returns.
    static func withExclusiveLock<T>(on directory: String, _ body: () throws -> T) throws -> T {
        let fd = try POSIXFile.open(directory, O_RDONLY | O_DIRECTORY, verb: "lock")
        defer { POSIXFile.closeQuietly(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw POSIXFile.error("lock", directory) }
        }
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }
}
