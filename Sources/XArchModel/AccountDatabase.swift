/// The account files of an image, `/etc/passwd` and `/etc/group` (passwd(5), group(5)): what `USER`,
/// `COPY --chown` and `xarch test --user` resolve names with — the image's own files, never the host's.
/// Lines that are comments or whose ids are not numbers are skipped.
public enum AccountDatabase {
    /// One `/etc/passwd` line: `name:password:uid:gid:gecos:home:shell`.
    public struct User: Sendable, Hashable {
        public var name: String
        public var uid: UInt32
        public var gid: UInt32
        /// The home directory; empty when the line has none.
        public var home: String
    }

    /// One `/etc/group` line: `name:password:gid:member,member…`.
    public struct Group: Sendable, Hashable {
        public var name: String
        public var gid: UInt32
        public var members: [String]
    }

    /// The users of a passwd file, in file order.
    public static func users(_ text: String) -> [User] {
        fields(text).compactMap { f in
            guard f.count >= 4, let uid = UInt32(f[2]), let gid = UInt32(f[3]) else { return nil }
            return User(name: f[0], uid: uid, gid: gid, home: f.count >= 6 ? f[5] : "")
        }
    }

    /// The groups of a group file, in file order.
    public static func groups(_ text: String) -> [Group] {
        fields(text).compactMap { f in
            guard f.count >= 3, let gid = UInt32(f[2]) else { return nil }
            let members = f.count >= 4 ? f[3].split(separator: ",").map(String.init) : []
            return Group(name: f[0], gid: gid, members: members)
        }
    }

    /// The colon-separated fields of each line that is not a comment.
    static func fields(_ text: String) -> [[String]] {
        text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
    }
}
