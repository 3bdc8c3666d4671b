import Foundation
import XArchArchive
#if canImport(Glibc)
import Glibc
#endif

/// Work directories named after the process that made them — `xarch-rootfs-<pid>-<random>` and
/// `xarch-sandbox-<pid>-<random>` in the temporary directory, `<key>.tmp-<pid>-<random>` in the root
/// filesystem cache — so that what a killed xarch (SIGKILL, OOM, power loss of the runner) left behind
/// is recognised and removed by the next run: a directory whose process is gone, and that has not
/// changed for a minute (a process in another pid namespace sharing the directory is not visible here).
package enum StaleWork {
    /// The temporary directory: `$TMPDIR`, else `/tmp`.
    package static var temporaryDirectory: String {
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// `<prefix><pid>-<random>`: a name that says which process owns it.
    package static func name(_ prefix: String) -> String {
        "\(prefix)\(getpid())-\(POSIXFile.randomSuffix())"
    }

    /// The owner pid of a name made by `name(prefix)` with `marker` ending the prefix (`xarch-rootfs-`,
    /// or `.tmp-` after a cache key); nil when `name` is not one.
    static func owner(of name: String, marker: String) -> pid_t? {
        guard let found = name.range(of: marker) else { return nil }
        let rest = name[found.upperBound...]
        guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { return nil }
        return pid
    }

    /// Whether no process `pid` exists here.
    static func isGone(_ pid: pid_t) -> Bool {
        kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Removes the entries of `directory` named `…<marker><pid>-…` whose process is gone and that are
    /// older than `age`; returns the names removed. Errors are ignored (another user's leftovers).
    @discardableResult
    package static func sweep(_ directory: String, marker: String, olderThan age: TimeInterval = 60) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let now = Date()
        var removed: [String] = []
        for name in names {
            guard let pid = owner(of: name, marker: marker), pid != getpid(), isGone(pid) else { continue }
            let path = directory + "/" + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) >= age else { continue }
            if (try? FileTree.remove(path: path)) != nil { removed.append(name) }
        }
        return removed
    }
}
