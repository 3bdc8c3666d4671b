import Foundation

/// The private work directories of running builds, so that an interrupted build (Ctrl-C, SIGTERM)
/// does not leave layer files behind: the CLI's signal handler calls `removeAll()` before it exits.
public enum WorkDirectories {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []

    static func register(_ path: String) { _ = lock.withLock { paths.insert(path) } }

    /// Removes `path` and forgets it.
    static func remove(_ path: String) {
        _ = lock.withLock { paths.remove(path) }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Removes every registered directory (from a signal handler's queue, before exiting).
    public static func removeAll() {
        let all = lock.withLock { () -> Set<String> in
            defer { paths = [] }
            return paths
        }
        for path in all { try? FileManager.default.removeItem(atPath: path) }
    }
}
