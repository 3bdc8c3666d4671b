import Foundation
import XArchArchive

/// The hold a RUN has on a cache mount shared with other RUNs and other builds (Dockerfile reference,
/// "RUN --mount=type=cache": `sharing=locked` waits until no other locked or private user has the
/// directory; `sharing=private` takes it only when free, else the RUN gets a fresh directory of its own):
/// an exclusive `flock(2)` on a lock file beside the directory, kept until `release()` (or deinit).
/// `sharing=shared`, BuildKit's default, takes no lease.
final class CacheLease: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock of `path` (created when missing): waits for it when `wait`, polling so that no
    /// thread blocks and cancellation ends the wait; without `wait`, nil when another holder has it.
    static func acquire(_ path: String, wait: Bool) async throws -> CacheLease? {
        let fd = try POSIXFile.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode: 0o600, verb: "open the lock file")
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else {
                POSIXFile.closeQuietly(fd)
                errno = error
                throw POSIXFile.error("lock", path)
            }
            guard wait else {
                POSIXFile.closeQuietly(fd)
                return nil
            }
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                POSIXFile.closeQuietly(fd)
                throw error
            }
        }
        return CacheLease(fd: fd)
    }

    /// Lets the next holder in (closing the descriptor drops the lock); once.
    func release() {
        lock.withLock {
            guard fd >= 0 else { return }
            POSIXFile.closeQuietly(fd)
            fd = -1
        }
    }

    deinit { release() }
}
