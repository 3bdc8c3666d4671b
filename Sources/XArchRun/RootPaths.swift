import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Paths of an unpacked root filesystem resolved the way the kernel resolves them after `chroot`:
/// a symlink is followed *inside* the root (an absolute target starts again at the root, `..` at the
/// root stays there), and more than 40 links on one walk (MAXSYMLINKS) is a loop. Read-only: used to
/// find the program a run starts, and the image's own `/etc/passwd`, never the host's.
struct RootPaths: Sendable {
    /// The root directory on the host.
    let root: String

    /// The real path inside the root (`/usr/bin/busybox`) of `path` (absolute inside the root), with
    /// every symlink followed; nil when some component is missing, not a directory, or a loop.
    func resolve(_ path: String) -> String? {
        var budget = 40
        return resolve(Self.components(path), from: [], budget: &budget).map { "/" + $0.joined(separator: "/") }
    }

    /// The real path inside the root of the entry `path` names, its last component not followed (a
    /// symlink is the link itself, as `lstat` sees it); nil when it does not exist.
    func entry(_ path: String) -> String? {
        let components = Self.components(path)
        guard let last = components.last, last != ".." else { return resolve(path) }
        var budget = 40
        guard let parent = resolve(Array(components.dropLast()), from: [], budget: &budget) else { return nil }
        let real = "/" + (parent + [last]).joined(separator: "/")
        var st = stat()
        return lstat(host(real), &st) == 0 ? real : nil
    }

    /// The host path of a real path inside the root.
    func host(_ real: String) -> String { real == "/" ? root : root + real }

    /// The contents of the file at `path` inside the root (symlinks followed inside), at most `limit` bytes.
    func read(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        guard let real = resolve(path), let handle = FileHandle(forReadingAtPath: host(real)) else { return nil }
        defer { try? handle.close() }
        // `read(upToCount:)` answers nil at the end of the file: an empty file is empty, not unreadable.
        do { return [UInt8](try handle.read(upToCount: limit) ?? Data()) } catch { return nil }
    }

    /// The first of `PATH`'s directories holding an executable regular file `name`, as `execvp` searches;
    /// `name` with a `/` is taken as it is (relative to `workingDirectory`). Returns the path as asked
    /// (`/bin/sh`) and its real path (`/bin/busybox`).
    func findProgram(_ name: String, searchPath: String, workingDirectory: String) -> (path: String, real: String)? {
        let candidates: [String]
        if name.contains("/") {
            candidates = [name.hasPrefix("/") ? name : workingDirectory + "/" + name]
        } else {
            candidates = searchPath.split(separator: ":", omittingEmptySubsequences: false)
                .map { ($0.isEmpty ? workingDirectory : String($0)) + "/" + name }
        }
        for candidate in candidates {
            guard let real = resolve(candidate) else { continue }
            var st = stat()
            guard stat(host(real), &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o111 != 0 else { continue }
            return (candidate, real)
        }
        return nil
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." }
    }

    private func resolve(_ components: [String], from base: [String], budget: inout Int) -> [String]? {
        var current = base
        for component in components {
            if component == ".." {
                if !current.isEmpty { current.removeLast() }
                continue
            }
            let hostPath = root + "/" + (current + [component]).joined(separator: "/")
            var st = stat()
            guard lstat(hostPath, &st) == 0 else { return nil }
            guard st.st_mode & S_IFMT == S_IFLNK else {
                current.append(component)
                continue
            }
            budget -= 1
            guard budget >= 0, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: hostPath),
                  let resolved = resolve(Self.components(target), from: target.hasPrefix("/") ? [] : current, budget: &budget)
            else { return nil }
            current = resolved
        }
        return current
    }
}
