import XArchModel

/// One file system object a COPY or ADD can take: from the build context, or from the file system of
/// an earlier stage or another image (`--from`).
public struct SourceNode: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case directory
        case regularFile
        case symbolicLink(target: String)
        /// Sockets, devices, FIFOs: not copied.
        case other
    }

    public var kind: Kind
    /// Permission bits with set-user-id, set-group-id and sticky (`07777`).
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    public var size: Int64
    public var modificationTime: Int64
    /// Where a regular file's bytes are read from.
    public var content: LayerEntry.Content
    /// Device and inode of a local regular file with more than one link, so that the names of one file
    /// copied together become hard links again; nil otherwise.
    public var linkIdentity: LinkIdentity?

    public struct LinkIdentity: Hashable, Sendable {
        public let device: UInt64
        public let inode: UInt64
        public init(device: UInt64, inode: UInt64) { (self.device, self.inode) = (device, inode) }
    }

    public init(kind: Kind, mode: UInt32, uid: Int = 0, gid: Int = 0, size: Int64 = 0, modificationTime: Int64 = 0,
                content: LayerEntry.Content = .none) {
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.modificationTime = modificationTime
        self.content = content
    }
}

/// A read-only tree of files addressed by clean relative paths (`""` is the root).
public protocol SourceTree: Sendable {
    /// What COPY names it in messages (`the build context`, `stage builder`).
    var sourceName: String { get }
    /// The object at `path` without following a final symbolic link; nil when there is none (or it
    /// is excluded, as `.dockerignore` excludes context files).
    func node(at path: String) throws -> SourceNode?
    /// The names in a directory, sorted; excluded names left out.
    func children(of directory: String) throws -> [String]
}

extension SourceTree {
    /// Follows symbolic links in every element of `path` inside the tree (a link to `/x` or `../x`
    /// stays in the tree, as BuildKit scopes COPY sources to the context), returning the path of the
    /// final object; nil when something on the way does not exist. At most 255 links are followed.
    func resolvingLinks(_ path: String) throws -> String? {
        var pending = path.split(separator: "/").map(String.init)
        var resolved = ""
        var hops = 0
        while !pending.isEmpty {
            let candidate = CleanPath.inside(CleanPath.join(resolved, pending.removeFirst()))
            guard let node = try node(at: candidate) else { return nil }
            guard case .symbolicLink(let target) = node.kind else {
                resolved = candidate
                continue
            }
            hops += 1
            guard hops <= 255 else {
                throw XArchError(.invalidInput, "too many levels of symbolic links at /\(candidate) in \(sourceName)")
            }
            let base = target.hasPrefix("/") ? "" : (LayerEntries.parent(of: candidate) ?? "")
            pending = CleanPath.inside(CleanPath.join(base, target)).split(separator: "/").map(String.init) + pending
            resolved = ""
        }
        return resolved
    }

    /// Expands a COPY source (Dockerfile reference, COPY, "Source": wildcards per Go's
    /// `filepath.Match`, relative to the root) into the matching paths, sorted. A source without
    /// wildcards is returned as it is, whether or not it exists.
    func expand(_ source: String) throws -> [String] {
        let clean = CleanPath.inside(source)
        let parts = clean.split(separator: "/").map(String.init)
        var current = [""]
        for part in parts {
            let pattern = try GlobPattern(part)
            guard pattern.hasWildcards else {
                let literal = part.contains("\\") ? Self.unquote(part) : part
                current = current.map { CleanPath.join($0, literal) }
                continue
            }
            var next: [String] = []
            for dir in current {
                guard let real = try resolvingLinks(dir), let node = try node(at: real), node.kind == .directory else { continue }
                for name in try children(of: real) where pattern.matches(name) {
                    next.append(CleanPath.join(dir, name))
                }
            }
            current = next
        }
        return current.sorted()
    }

    /// A pattern part without wildcards but with `\` quotes, as the literal name it stands for.
    private static func unquote(_ part: String) -> String {
        var out = ""
        var quoted = false
        for c in part {
            if c == "\\", !quoted { quoted = true; continue }
            out.append(c)
            quoted = false
        }
        return out
    }
}
