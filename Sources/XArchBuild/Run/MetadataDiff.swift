#if canImport(Glibc)
import Glibc
#endif
import XArchArchive
import XArchModel
import XArchRun

/// A RUN's changes where overlayfs cannot be mounted (a kernel that refuses it in a user namespace, or
/// `XARCH_RUN_WITHOUT_OVERLAY=1`): the RUN gets a private copy of the merged tree below it; afterwards
/// each path's metadata — inode, type, size, mode, owner, mtime, link target — is compared with a
/// snapshot taken before, and a ctime later than the RUN's start counts as a change too. What changed is
/// moved into an upper directory in overlayfs's own format (a deletion as a 0/0 character device, a
/// replaced directory marked opaque; Documentation/filesystems/overlayfs.rst), so the rest of the build
/// reads it exactly as it reads an overlay's upper directory.
enum MetadataDiff {
    /// What a path was before the RUN.
    struct State: Equatable {
        var device: UInt64, inode: UInt64, mode: UInt32, uid: UInt32, gid: UInt32, size: Int64
        var modified: Int, modifiedNanoseconds: Int
        var link: String?

        init(_ st: stat, link: String?) {
            (device, inode, mode, uid, gid, size) = (UInt64(st.st_dev), UInt64(st.st_ino), UInt32(st.st_mode), st.st_uid, st.st_gid, Int64(st.st_size))
            (modified, modifiedNanoseconds) = (Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec))
            self.link = link
        }

        var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
    }

    /// Every path of a tree (relative, no leading `/`) and its state.
    typealias Snapshot = [String: State]

    /// Copies the merged tree of `lowers` (bottom first, overlay format) into the new directory `root`:
    /// types, modes, owners (when running as root), times, hard links. Sockets, FIFOs and devices are
    /// left out, as layers leave them out.
    static func materialize(_ lowers: [String], into root: String, mapping: IDMapping) throws {
        let tree = DirectoryStack(name: "the layers below", directories: lowers, mapping: mapping)
        guard mkdir(root, 0o755) == 0 else { throw POSIXFile.error("create directory", root) }
        let asRoot = geteuid() == 0
        var linked: [SourceNode.LinkIdentity: String] = [:]
        var directories: [(String, SourceNode)] = []
        func copy(_ directory: String) throws {
            for name in try tree.children(of: directory) {
                let path = directory.isEmpty ? name : directory + "/" + name
                guard let node = try tree.node(at: path) else { continue }
                let host = root + "/" + path
                switch node.kind {
                case .directory:
                    guard mkdir(host, 0o700) == 0 else { throw POSIXFile.error("create directory", host) }
                    try copy(path)
                    directories.append((host, node))
                    continue
                case .regularFile:
                    if let identity = node.linkIdentity, let first = linked[identity] {
                        guard link(first, host) == 0 else { throw POSIXFile.error("create hard link", host) }
                        continue
                    }
                    guard case .file(let source) = node.content else { continue }
                    try copyFile(source, to: host, size: node.size)
                    if let identity = node.linkIdentity { linked[identity] = host }
                case .symbolicLink(let target):
                    guard symlink(target, host) == 0 else { throw POSIXFile.error("create symlink", host) }
                case .other:
                    continue
                }
                try setMetadata(host, node, asRoot: asRoot)
            }
        }
        try copy("")
        // Directories last, deepest first: their times would move while their entries are written.
        for (host, node) in directories.reversed() { try setMetadata(host, node, asRoot: asRoot) }
    }

    private static func setMetadata(_ host: String, _ node: SourceNode, asRoot: Bool) throws {
        if asRoot, lchown(host, uid_t(node.uid), gid_t(node.gid)) != 0 { throw POSIXFile.error("set the owner of", host) }
        if case .symbolicLink = node.kind {} else {
            guard chmod(host, mode_t(node.mode)) == 0 else { throw POSIXFile.error("set the mode of", host) }
        }
        var times = [timespec(tv_sec: time_t(node.modificationTime), tv_nsec: 0),
                     timespec(tv_sec: time_t(node.modificationTime), tv_nsec: 0)]
        guard utimensat(AT_FDCWD, host, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw POSIXFile.error("set the times of", host) }
    }

    private static func copyFile(_ source: String, to target: String, size: Int64) throws {
        let output = try POSIXFile.open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o600, verb: "create")
        defer { POSIXFile.closeQuietly(output) }
        try LayerMaterializer.copy(from: source, offset: 0, count: size, to: output, path: target)
    }

    /// The state of every path under `root`, and the latest ctime among them.
    static func snapshot(_ root: String) throws -> (Snapshot, latest: timespec) {
        var out: Snapshot = [:]
        var latest = timespec()
        func walk(_ relative: String) throws {
            let directory = relative.isEmpty ? root : root + "/" + relative
            for name in try POSIXFile.directoryEntries(directory) ?? [] {
                let path = relative.isEmpty ? name : relative + "/" + name
                var st = stat()
                guard lstat(root + "/" + path, &st) == 0 else { throw POSIXFile.error("inspect", root + "/" + path) }
                let isLink = st.st_mode & S_IFMT == S_IFLNK
                out[path] = State(st, link: isLink ? try OverlayUpper.linkTarget(root + "/" + path) : nil)
                if later(st.st_ctim, than: latest) { latest = st.st_ctim }
                if st.st_mode & S_IFMT == S_IFDIR { try walk(path) }
            }
        }
        try walk("")
        return (out, latest)
    }

    /// The RUN's start as ctimes tell it: the later of the file system's coarse clock now and the latest
    /// ctime of the copy (timestamps can run ahead of the coarse clock: multigrain timestamps hand out
    /// finer ones once a ctime was read); then waits (at most a second) until the coarse clock has moved
    /// past it, so that whatever the RUN changes gets a later ctime even where timestamps are coarse.
    static func start(after latest: timespec) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        let start = later(latest, than: now) ? latest : now
        for _ in 0..<1000 {
            usleep(1000)
            clock_gettime(CLOCK_REALTIME_COARSE, &now)
            if later(now, than: start) { break }
        }
        return start
    }

    /// Moves what changed in `root` since `before` (and `started`) into the new directory `upper`, in
    /// overlayfs's format. `root` is left incomplete: it is only good for removal afterwards.
    static func upper(from root: String, before: Snapshot, started: timespec, into upper: String) throws {
        guard mkdir(upper, 0o755) == 0 else { throw POSIXFile.error("create directory", upper) }
        var children: [String: [String]] = [:]
        for path in before.keys {
            let parent = LayerEntries.parent(of: path) ?? ""
            children[parent, default: []].append(String(path.dropFirst(parent.isEmpty ? 0 : parent.count + 1)))
        }
        var made: Set<String> = [""]
        /// Each directory of root as it was when the walk met it (before changes were moved out of it).
        var seen: [String: stat] = [:]
        /// The upper directory for `path` (a directory of root), made with root's metadata, parents first.
        func makeDirectory(_ path: String, _ st: stat, opaque: Bool) throws {
            if let parent = LayerEntries.parent(of: path) { try makeParent(parent) }
            let host = upper + "/" + path
            guard mkdir(host, 0o700) == 0 else { throw POSIXFile.error("create directory", host) }
            made.insert(path)
            if opaque { try OverlayUpper.markOpaque(host) }
            try copyMetadata(st, to: host)
        }
        func makeParent(_ path: String) throws {
            guard !made.contains(path) else { return }
            guard let st = seen[path] else { throw XArchError(.io, "the RUN's changes: /\(path) was not walked before its entries") }
            try makeDirectory(path, st, opaque: false)
        }
        func changed(_ old: State, _ st: stat, _ host: String) throws -> Bool {
            if later(st.st_ctim, than: started) { return true }
            let isLink = st.st_mode & S_IFMT == S_IFLNK
            return old != State(st, link: isLink ? try OverlayUpper.linkTarget(host) : nil)
        }
        var directoryTimes: [(String, stat)] = []
        func walk(_ relative: String, allNew: Bool) throws {
            let directory = relative.isEmpty ? root : root + "/" + relative
            let names = try POSIXFile.directoryEntries(directory) ?? []
            if !allNew {
                for name in children[relative] ?? [] where !names.contains(name) {
                    let path = relative.isEmpty ? name : relative + "/" + name
                    try makeParent(relative)
                    guard mknod(upper + "/" + path, S_IFCHR, 0) == 0 else { throw POSIXFile.error("record the deletion of", "/" + path) }
                }
            }
            for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let path = relative.isEmpty ? name : relative + "/" + name
                let host = root + "/" + path
                var st = stat()
                guard lstat(host, &st) == 0 else { throw POSIXFile.error("inspect", host) }
                let old = allNew ? nil : before[path]
                if st.st_mode & S_IFMT == S_IFDIR {
                    seen[path] = st
                    // The same directory: same inode — and not born during the RUN (a directory removed and
                    // made again may get its old inode number back).
                    let same = (old.map { $0.isDirectory && $0.inode == UInt64(st.st_ino) && $0.device == UInt64(st.st_dev) } ?? false)
                        && !(OverlayUpper.birthTime(host).map { later($0, than: started) } ?? false)
                    if !same {
                        try makeDirectory(path, st, opaque: old != nil)
                    } else if let old, try changed(old, st, host) {
                        try makeDirectory(path, st, opaque: false)
                    }
                    try walk(path, allNew: !same)
                    if made.contains(path) { directoryTimes.append((upper + "/" + path, st)) }
                } else if try old.map({ try changed($0, st, host) }) ?? true {
                    if let parent = LayerEntries.parent(of: path) { try makeParent(parent) }
                    guard rename(host, upper + "/" + path) == 0 else { throw POSIXFile.error("move the change", host) }
                }
            }
        }
        try walk("", allNew: false)
        // Made directories take root's times back (their entries moved them while being written).
        for (host, st) in directoryTimes.reversed() {
            var times = [st.st_atim, st.st_mtim]
            _ = utimensat(AT_FDCWD, host, &times, AT_SYMLINK_NOFOLLOW)
        }
    }

    private static func later(_ time: timespec, than start: timespec) -> Bool {
        time.tv_sec > start.tv_sec || (time.tv_sec == start.tv_sec && time.tv_nsec > start.tv_nsec)
    }

    private static func copyMetadata(_ st: stat, to host: String) throws {
        if geteuid() == 0, lchown(host, st.st_uid, st.st_gid) != 0 { throw POSIXFile.error("set the owner of", host) }
        guard chmod(host, st.st_mode & 0o7777) == 0 else { throw POSIXFile.error("set the mode of", host) }
    }
}
