import Foundation
import XArchArchive
import XArchModel

/// The git commit a build context is checked out at, read from the repository's files (no `git`
/// binary needed), for provenance: `HEAD` (a symbolic ref or a detached commit id), the ref's loose
/// file or its line in `packed-refs`, a linked worktree's `gitdir:` file and `commondir` (git's
/// gitrepository-layout(5)), and the `origin` remote's URL without credentials.
struct GitCheckout: Sendable, Equatable {
    /// The commit id (40 hex digits for SHA-1 repositories, 64 for SHA-256 ones).
    let commit: String
    /// `remote.origin.url`, with any `user:password@` removed; nil when there is none.
    let remote: String?

    /// The checkout containing `directory` (it or the nearest parent with a `.git`), or nil when there is
    /// none or it cannot be read (a repository without commits, a ref that does not resolve).
    static func containing(_ directory: String) -> GitCheckout? {
        var url = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        for _ in 0..<256 {
            let dotGit = url.appendingPathComponent(".git").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dotGit, isDirectory: &isDirectory) {
                guard let gitDir = isDirectory.boolValue ? dotGit : linkedGitDirectory(file: dotGit, in: url.path) else { return nil }
                return read(gitDir: gitDir)
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
        return nil
    }

    /// A worktree's `.git` file: `gitdir: PATH` (relative to the worktree).
    private static func linkedGitDirectory(file: String, in worktree: String) -> String? {
        guard let text = small(file), text.hasPrefix("gitdir:") else { return nil }
        let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.hasPrefix("/") ? path : worktree + "/" + path
    }

    private static func read(gitDir: String) -> GitCheckout? {
        // A linked worktree keeps HEAD in its own directory and refs, packed-refs and config in the common one.
        let common = small(gitDir + "/commondir").map { text -> String in
            let path = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return path.hasPrefix("/") ? path : gitDir + "/" + path
        } ?? gitDir
        guard let head = small(gitDir + "/HEAD")?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        var commit: String?
        if head.hasPrefix("ref:") {
            let ref = head.dropFirst(4).trimmingCharacters(in: .whitespaces)
            commit = resolve(ref: ref, gitDir: gitDir, common: common)
        } else if isCommitID(head) {
            commit = head
        }
        guard let commit else { return nil }
        return GitCheckout(commit: commit, remote: small(common + "/config").flatMap(originURL))
    }

    private static func resolve(ref: String, gitDir: String, common: String) -> String? {
        guard !ref.contains(".."), ref.hasPrefix("refs/") else { return nil }
        for directory in [gitDir, common] {
            if let value = small(directory + "/" + ref)?.trimmingCharacters(in: .whitespacesAndNewlines), isCommitID(value) {
                return value
            }
        }
        // packed-refs: "<id> <ref>" lines; "^<id>" lines peel the tag above them.
        guard let packed = small(common + "/packed-refs", limit: 64 << 20) else { return nil }
        for line in packed.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("^") {
            let fields = line.split(separator: " ", maxSplits: 1)
            if fields.count == 2, fields[1] == ref, isCommitID(String(fields[0])) { return String(fields[0]) }
        }
        return nil
    }

    /// `url` of `[remote "origin"]` in a git config file, without credentials.
    static func originURL(config: String) -> String? {
        var inOrigin = false
        for raw in config.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                inOrigin = line.replacingOccurrences(of: " ", with: "") == "[remote\"origin\"]"
                continue
            }
            guard inOrigin else { continue }
            let pair = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "url" { return URLUserinfo.removed(from: pair[1]) }
        }
        return nil
    }

    private static func isCommitID(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    private static func small(_ path: String, limit: Int = 1 << 20) -> String? {
        guard let bytes = try? POSIXFile.readFile(path, limit: limit, what: path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
