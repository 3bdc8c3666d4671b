/// Cleaning tar entry names the way a safe extractor does (moby's `pkg/archive`, containerd's
/// `archive`): relative to the image root, `.` and empty components dropped, `..` resolved; a name
/// that climbs above the root is refused.
public enum TarPath {
    public enum Cleaned: Sendable, Hashable {
        /// A path relative to the root ("bin/busybox"); empty for the root itself.
        case path(String, wasAbsolute: Bool)
        /// The name climbs above the root (`../etc/passwd`).
        case escapes
    }

    public static func clean(_ name: String) -> Cleaned {
        var parts: [Substring] = []
        for component in name.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return .escapes }
                parts.removeLast()
            default:
                parts.append(component)
            }
        }
        return .path(parts.joined(separator: "/"), wasAbsolute: name.hasPrefix("/"))
    }

    /// "/" + path, for messages.
    public static func display(_ path: String) -> String { "/" + path }
}

extension TarPath {
    /// A cleaned path's parent and last component: `a/b/c` → (`a/b`, `c`); `a` → (``, `a`).
    public static func split(_ path: String) -> (parent: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    /// `parent/name`, or `name` under the root.
    public static func join(_ parent: String, _ name: String) -> String { parent.isEmpty ? name : parent + "/" + name }
}
