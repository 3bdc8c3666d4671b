import XArchArchive

/// One file system object of a layer to be written: its path in the image, its metadata and where its
/// bytes come from (OCI image spec, layer.md, "Changesets": a layer is a tar of the added or changed
/// files, directories and links).
public struct LayerEntry: Hashable, Sendable {
    /// What the entry is.
    public enum Kind: Hashable, Sendable {
        case directory
        case regularFile
        case symbolicLink(target: String)
        /// A hard link to another path of the same layer.
        case hardLink(target: String)
    }

    /// Where the bytes of a regular file are read from.
    public enum Content: Hashable, Sendable {
        /// No bytes (directories, links, empty files).
        case none
        /// A file on the local disk, read when the layer is written.
        case file(path: String)
        /// `size` bytes at `offset` of a local file: an entry of a spooled tar archive or layer.
        case fileRange(path: String, offset: Int64)
        /// Bytes held in memory (small generated files).
        case bytes([UInt8])
    }

    /// Path in the image: relative to `/`, cleaned, no leading or trailing `/` (`usr/local/bin/app`).
    public var path: String
    public var kind: Kind
    /// Permission bits with set-user-id, set-group-id and sticky (`07777`).
    public var mode: UInt32
    public var uid: Int
    public var gid: Int
    /// Size of a regular file's content; 0 otherwise.
    public var size: Int64
    /// Seconds since the epoch, before clamping to `SOURCE_DATE_EPOCH`.
    public var modificationTime: Int64
    public var content: Content

    public init(path: String, kind: Kind, mode: UInt32, uid: Int = 0, gid: Int = 0, size: Int64 = 0,
                modificationTime: Int64 = 0, content: Content = .none) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.modificationTime = modificationTime
        self.content = content
    }

    /// A directory owned by `uid:gid`.
    public static func directory(_ path: String, mode: UInt32 = 0o755, uid: Int = 0, gid: Int = 0,
                                 modificationTime: Int64 = 0) -> LayerEntry {
        LayerEntry(path: path, kind: .directory, mode: mode, uid: uid, gid: gid, modificationTime: modificationTime)
    }

    /// A regular file with the given bytes.
    public static func file(_ path: String, bytes: [UInt8], mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0) -> LayerEntry {
        LayerEntry(path: path, kind: .regularFile, mode: mode, uid: uid, gid: gid, size: Int64(bytes.count),
                   content: .bytes(bytes))
    }

    /// The tar header of this entry with its time clamped to `epoch` (never later than it).
    func tarHeader(clampingTo epoch: Int64) -> TarHeader {
        let time = min(modificationTime, epoch)
        switch kind {
        case .directory:
            return TarHeader(name: path + "/", kind: .directory, mode: mode, uid: uid, gid: gid, size: 0,
                             modificationTime: time)
        case .regularFile:
            return TarHeader(name: path, kind: .regular, mode: mode, uid: uid, gid: gid, size: size,
                             modificationTime: time)
        case .symbolicLink(let target):
            return TarHeader(name: path, kind: .symbolicLink, mode: mode, uid: uid, gid: gid, size: 0,
                             modificationTime: time, linkName: target)
        case .hardLink(let target):
            return TarHeader(name: path, kind: .hardLink, mode: mode, uid: uid, gid: gid, size: 0,
                             modificationTime: time, linkName: target)
        }
    }
}

/// The entries of one layer, as a value: later entries for a path replace earlier ones, missing parent
/// directories are added, and the result is sorted by path bytes, so parents precede their children
/// and the same entries always give the same tar stream.
public struct LayerEntries: Hashable, Sendable {
    private var byPath: [String: LayerEntry] = [:]

    public init(_ entries: [LayerEntry] = []) {
        for entry in entries { add(entry) }
    }

    /// Adds `entry`, replacing an entry of the same path (a later `COPY` source wins).
    public mutating func add(_ entry: LayerEntry) {
        byPath[entry.path] = entry
    }

    /// Drops the entry at `path` (not its children).
    public mutating func remove(_ path: String) {
        byPath[path] = nil
    }

    /// Adds a directory entry for each missing ancestor of every entry, with the given owner and mode
    /// (Dockerfile reference, COPY: "All new files and directories are created with a UID and GID of 0,
    /// unless the optional --chown flag specifies a given username, groupname, or UID/GID").
    public mutating func addMissingParents(mode: UInt32 = 0o755, uid: Int = 0, gid: Int = 0,
                                           existing: (String) -> LayerEntry? = { _ in nil }) {
        for path in Array(byPath.keys) {
            var parent = Self.parent(of: path)
            while let dir = parent, byPath[dir] == nil {
                // A directory the layers below already have keeps its owner and mode (as a layer diff
                // would show it); only the directories this layer creates get `uid:gid`.
                if let lower = existing(dir), lower.kind == .directory {
                    byPath[dir] = .directory(dir, mode: lower.mode, uid: lower.uid, gid: lower.gid,
                                             modificationTime: lower.modificationTime)
                } else {
                    byPath[dir] = .directory(dir, mode: mode, uid: uid, gid: gid)
                }
                parent = Self.parent(of: dir)
            }
        }
    }

    /// Adds the parent directories that `exists` says are not in the image yet, owned by `uid:gid`,
    /// and none of those that are (for a stage on a base image, whose directories keep their metadata).
    public mutating func addCreatedParents(uid: Int, gid: Int, exists: (String) throws -> Bool) rethrows {
        for path in Array(byPath.keys) {
            var parent = Self.parent(of: path)
            while let dir = parent, byPath[dir] == nil, try !exists(dir) {
                byPath[dir] = .directory(dir, mode: 0o755, uid: uid, gid: gid)
                parent = Self.parent(of: dir)
            }
        }
    }

    /// The entries in tar order: sorted by the bytes of their paths.
    public var sorted: [LayerEntry] {
        byPath.values.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    public var count: Int { byPath.count }
    public var isEmpty: Bool { byPath.isEmpty }
    public subscript(path: String) -> LayerEntry? { byPath[path] }

    /// `a/b/c` → `a/b`; `a` → nil.
    static func parent(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        let dir = String(path[..<slash])
        return dir.isEmpty ? nil : dir
    }
}
