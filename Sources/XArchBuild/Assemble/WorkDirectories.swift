import Foundation
import Synchronization

/// The private work directories of running builds, so that an interrupted build (Ctrl-C, SIGTERM)
/// does not leave layer files behind: the CLI's signal handler calls `removeAll()` before it exits.
public enum WorkDirectories {
    private static let paths = Mutex<Set<String>>([])

    static func register(_ path: String) { _ = paths.withLock { $0.insert(path) } }

    /// Removes `path` and forgets it.
    static func remove(_ path: String) {
        _ = paths.withLock { $0.remove(path) }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Removes every registered directory (from a signal handler's queue, before exiting).
    public static func removeAll() {
        let all = paths.withLock { paths -> Set<String> in
            defer { paths = [] }
            return paths
        }
        for path in all { try? FileManager.default.removeItem(atPath: path) }
    }
}
