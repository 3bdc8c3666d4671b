import Foundation
import Synchronization

/// The private work directories of running builds and copies (layer files, recompressed layers), so
/// that an interrupted command (Ctrl-C, SIGTERM) does not leave them behind: the CLI's signal handler
/// calls `removeAll()` before it exits.
public enum WorkDirectories {
    private static let paths = Mutex<Set<String>>([])

    package static func register(_ path: String) { _ = paths.withLock { $0.insert(path) } }

    /// Removes `path` and forgets it.
    package static func remove(_ path: String) {
        _ = paths.withLock { $0.remove(path) }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Removes every registered directory (from a signal handler's queue, before exiting).
    public static func removeAll() {
        let all = paths.withLock { paths -> Set<String> in
            defer { paths = [] }
            return paths
        }
        for path in all {
            // Threads of the build (layer compression, spooling) may still be writing into it: move it out
            // of their way first (their next path lookup fails), then remove it, again if a write slipped in.
            let doomed = path + ".removing"
            let target = rename(path, doomed) == 0 ? doomed : path
            for _ in 0..<5 {
                try? FileManager.default.removeItem(atPath: target)
                guard FileManager.default.fileExists(atPath: target) else { break }
                usleep(20_000)
            }
        }
    }
}
