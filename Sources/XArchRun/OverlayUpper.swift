#if canImport(Glibc)
import Glibc
#endif
import CXArchSandbox
import XArchArchive
import XArchModel

/// One change a run made, read from the upper directory of its overlay (`SandboxSpec.RootWrites.captured`)
/// in overlayfs's own format (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque
/// directories"): a deletion is a 0/0 character device, a directory that replaced the lower one (`rm -rf
/// d; mkdir d`) carries the `user.overlay.opaque` xattr (mounted with `userxattr`).
public struct UpperChange: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A directory; `opaque`: nothing of the lower layers' directory shows through.
        case directory(opaque: Bool)
        case regularFile
        case symbolicLink(target: String)
        /// Another path of this upper directory with the same inode (the first one met, in path order).
        case hardLink(target: String)
        /// The path was deleted.
        case whiteout
    }

    /// Relative to the root, no leading `/` (`usr/bin/tool`).
    public var path: String
    public var kind: Kind
    /// Permission bits with set-user-id, set-group-id and sticky (`07777`).
    public var mode: UInt32
    /// Owner as seen on the host (map back with `IDMapping.insideID`).
    public var uid: UInt32
    public var gid: UInt32
    /// Bytes of a regular file.
    public var size: Int64
    public var modificationTime: Int64
    /// The object's path on the host, to read its content.
    public var hostPath: String
}

/// Reads the changes of an overlay's upper directory.
public enum OverlayUpper {
    /// The xattr overlayfs marks an opaque directory with when mounted with `userxattr`.
    public static let opaqueAttribute = "user.overlay.opaque"

    /// Every change under `upper`, in path byte order (parents before children). Never follows a
    /// symlink; sockets and FIFOs are left out (`skipped` names them).
    public static func changes(in upper: String) throws -> (changes: [UpperChange], skipped: [String]) {
        var changes: [UpperChange] = [], skipped: [String] = []
        var inodes: [String: String] = [:] // "dev:ino" → first path
        func walk(_ relative: String) throws {
            let directory = relative.isEmpty ? upper : upper + "/" + relative
            guard let names = try POSIXFile.directoryEntries(directory) else {
                throw POSIXFile.error("read directory", directory)
            }
            for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let path = relative.isEmpty ? name : relative + "/" + name
                let host = upper + "/" + path
                var st = stat()
                guard lstat(host, &st) == 0 else { throw POSIXFile.error("inspect", host) }
                var change = UpperChange(path: path, kind: .regularFile, mode: UInt32(st.st_mode) & 0o7777,
                                         uid: st.st_uid, gid: st.st_gid, size: 0,
                                         modificationTime: Int64(st.st_mtim.tv_sec), hostPath: host)
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    change.kind = .directory(opaque: isOpaque(host))
                    changes.append(change)
                    try walk(path)
                    continue
                case S_IFREG:
                    let key = "\(st.st_dev):\(st.st_ino)"
                    if st.st_nlink > 1, let first = inodes[key] {
                        change.kind = .hardLink(target: first)
                    } else {
                        if st.st_nlink > 1 { inodes[key] = path }
                        change.size = Int64(st.st_size)
                    }
                case S_IFLNK:
                    change.kind = .symbolicLink(target: try linkTarget(host))
                case S_IFCHR where st.st_rdev == 0:
                    change.kind = .whiteout
                default:
                    skipped.append(path)
                    continue
                }
                changes.append(change)
            }
        }
        try walk("")
        return (changes, skipped)
    }

    /// Whether the directory at `path` carries overlayfs's opaque mark.
    /// When the file at `path` was created (statx's birth time); nil where the file system does not say.
    public static func birthTime(_ path: String) -> timespec? {
        var seconds: Int64 = 0, nanoseconds: UInt32 = 0
        guard xarch_birth_time(path, &seconds, &nanoseconds) == 0 else { return nil }
        return timespec(tv_sec: time_t(seconds), tv_nsec: Int(nanoseconds))
    }

    /// Marks the directory at `path` opaque, as overlayfs does (for upper directories written by hand).
    public static func markOpaque(_ path: String) throws {
        guard xarch_lsetxattr(path, opaqueAttribute, "y", 1) == 0 else { throw POSIXFile.error("mark opaque", path) }
    }

    public static func isOpaque(_ path: String) -> Bool {
        var value = [UInt8](repeating: 0, count: 8)
        let n = xarch_lgetxattr(path, opaqueAttribute, &value, UInt(value.count))
        return n > 0 && value[0] == UInt8(ascii: "y")
    }

    /// The target of the symbolic link at `path`.
    public static func linkTarget(_ path: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { throw POSIXFile.error("read the link", path) }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension IDMapping {
    /// The id inside the user namespace of a host id a run left on a file: the same as root; the caller
    /// is 0; a subordinate id is 1 + its offset in the range; anything else is `nobody` (65534).
    public func insideID(ofHostUser id: UInt32) -> UInt32 {
        switch self {
        case .identity: return id
        case .caller: return id == getuid() ? 0 : 65534
        case .subordinate(let ids):
            if id == ids.uid { return 0 }
            if id >= ids.uids.start, id - ids.uids.start < ids.uids.count { return 1 + id - ids.uids.start }
            return 65534
        }
    }

    /// As `insideID(ofHostUser:)`, for groups.
    public func insideID(ofHostGroup id: UInt32) -> UInt32 {
        switch self {
        case .identity: return id
        case .caller: return id == getgid() ? 0 : 65534
        case .subordinate(let ids):
            if id == ids.gid { return 0 }
            if id >= ids.gids.start, id - ids.gids.start < ids.gids.count { return 1 + id - ids.gids.start }
            return 65534
        }
    }
}
