/// Lexical path cleaning, exactly as Go's `path.Clean` (which BuildKit and moby apply to `.dockerignore`
/// patterns and to COPY paths): repeated slashes become one, `.` elements go, `..` removes the element
/// before it (and is dropped at the root), a trailing slash goes, and an empty result is `.`.
enum CleanPath {
    static func clean(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
            default:
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// A path inside a root (the build context, an image's file system): cleaned as if it started at
    /// `/`, so `..` can never leave the root, and returned without the leading slash (`""` is the root).
    static func inside(_ path: String) -> String {
        String(clean("/" + path).dropFirst())
    }

    /// `a/b` + `c` → `a/b/c`, with `""` meaning the root.
    static func join(_ base: String, _ name: String) -> String {
        base.isEmpty ? name : (name.isEmpty ? base : "\(base)/\(name)")
    }

    /// The last element (`a/b/c` → `c`).
    static func base(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
