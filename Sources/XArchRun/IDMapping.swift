import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How the ids of the sandbox's user namespace map to the host's (user_namespaces(7), "User and group ID
/// mappings"), chosen once per process by `detect()`.
public enum IDMapping: Sendable, Hashable {
    /// Root: ids 0–65535 map to themselves, so `chown` and any `USER` work.
    case identity
    /// An unprivileged caller without subordinate ids: only the caller, as 0; other ids show as
    /// `nobody` and cannot be taken.
    case caller
    /// An unprivileged caller with subordinate ids: the caller as 0 and the ranges of `/etc/subuid` and
    /// `/etc/subgid` as 1…count, written by the setuid helpers `newuidmap` and `newgidmap` (as rootless
    /// Podman and buildah do).
    case subordinate(SubordinateIDs)

    /// The mapping of this process: `identity` as root; `subordinate` when the user has ranges in
    /// `/etc/subuid` and `/etc/subgid` and `newuidmap` and `newgidmap` are installed; else `caller`.
    public static func detect(subuid: String = "/etc/subuid", subgid: String = "/etc/subgid",
                              helperDirectories: [String] = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) -> IDMapping {
        if geteuid() == 0 { return .identity }
        let uid = getuid(), gid = getgid()
        let name = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? String(uid)
        let group = getgrgid(gid).flatMap { $0.pointee.gr_name.map { String(cString: $0) } } ?? String(gid)
        func helper(_ name: String) -> String? {
            helperDirectories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let users = (try? String(contentsOfFile: subuid, encoding: .utf8)).flatMap({ SubordinateIDs.range(in: $0, user: name, id: uid) }),
              let groups = (try? String(contentsOfFile: subgid, encoding: .utf8)).flatMap({ SubordinateIDs.range(in: $0, user: name, id: uid) })
                ?? (try? String(contentsOfFile: subgid, encoding: .utf8)).flatMap({ SubordinateIDs.range(in: $0, user: group, id: gid) }),
              let newuidmap = helper("newuidmap"), let newgidmap = helper("newgidmap") else {
            return .caller
        }
        return .subordinate(SubordinateIDs(uid: uid, gid: gid, uids: users, gids: groups, newuidmap: newuidmap, newgidmap: newgidmap))
    }
}

/// The caller's subordinate id ranges and the helpers that map them (subuid(5), newuidmap(1)).
public struct SubordinateIDs: Sendable, Hashable {
    public var uid: UInt32
    public var gid: UInt32
    /// The first subordinate id and how many.
    public var uids: (start: UInt32, count: UInt32)
    public var gids: (start: UInt32, count: UInt32)
    public var newuidmap: String
    public var newgidmap: String

    public init(uid: UInt32, gid: UInt32, uids: (start: UInt32, count: UInt32), gids: (start: UInt32, count: UInt32),
                newuidmap: String, newgidmap: String) {
        self.uid = uid
        self.gid = gid
        self.uids = uids
        self.gids = gids
        self.newuidmap = newuidmap
        self.newgidmap = newgidmap
    }

    /// The first range of `user` (name or numeric id) in a subuid/subgid text (`owner:start:count` lines).
    public static func range(in text: String, user: String, id: UInt32) -> (start: UInt32, count: UInt32)? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == user || fields[0] == String(id),
                  let start = UInt32(fields[1]), let count = UInt32(fields[2]), count > 0 else { continue }
            return (start, count)
        }
        return nil
    }

    /// What newuidmap is given after the pid: the caller as 0, the range as 1…count.
    var uidMapArguments: String { "0 \(uid) 1 1 \(uids.start) \(uids.count)" }
    var gidMapArguments: String { "0 \(gid) 1 1 \(gids.start) \(gids.count)" }

    public static func == (a: SubordinateIDs, b: SubordinateIDs) -> Bool {
        a.uid == b.uid && a.gid == b.gid && a.uids == b.uids && a.gids == b.gids && a.newuidmap == b.newuidmap && a.newgidmap == b.newgidmap
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(uid)
        hasher.combine(gid)
        hasher.combine(uids.start)
        hasher.combine(uids.count)
    }
}
