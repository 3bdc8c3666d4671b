import XArchArchive
import XArchModel

/// `--chown=user[:group]` (Dockerfile reference, COPY: "--chown"), resolved as BuildKit's file
/// operations resolve it: numeric ids as they are (a uid alone is also the gid); names looked up in the
/// stage's `/etc/passwd` and `/etc/group` (a user name alone takes the user's primary group).
enum OwnerLookup {
    /// Resolves `text`; `tree` (the stage's file system) is read only when a name must be looked up.
    /// Messages name the setting as `label` (default `--chown=TEXT`).
    static func resolve(_ text: String, label: String? = nil, tree: () async throws -> any SourceTree) async throws -> Ownership {
        let what = label ?? "--chown=\(text)"
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let user = parts.first, !user.isEmpty else { throw XArchError(.invalidInput, "\(what) names no user") }
        var files: (any SourceTree)?
        func database(_ path: String) async throws -> String {
            if files == nil { files = try await tree() }
            guard let files else { return "" }
            return try read(path, in: files)
        }
        var owner: Ownership
        // Numeric ids are 32-bit (a tar header or a Linux uid cannot hold more).
        for id in [user, parts.count == 2 ? parts[1] : ""] where !id.isEmpty && id.allSatisfy(\.isASCII) && id.allSatisfy(\.isNumber) {
            guard UInt32(id) != nil else { throw XArchError(.invalidInput, "\(what): the id \(id) is out of range (0 to 4294967295)") }
        }
        if let uid = UInt32(user).map(Int.init) {
            owner = Ownership(uid: uid, gid: uid)
        } else {
            guard let entry = AccountDatabase.users(try await database("etc/passwd")).first(where: { $0.name == user }) else {
                throw XArchError(.invalidInput, "\(what): there is no user \"\(user)\" in the stage's /etc/passwd; use numeric ids or create the user first")
            }
            owner = Ownership(uid: Int(entry.uid), gid: Int(entry.gid))
        }
        guard parts.count == 2, !parts[1].isEmpty else { return owner }
        if let gid = UInt32(parts[1]).map(Int.init) {
            owner.gid = gid
        } else {
            guard let entry = AccountDatabase.groups(try await database("etc/group")).first(where: { $0.name == parts[1] }) else {
                throw XArchError(.invalidInput, "\(what): there is no group \"\(parts[1])\" in the stage's /etc/group; use a numeric id")
            }
            owner.gid = Int(entry.gid)
        }
        return owner
    }

    /// A small text file of the tree (at most 1 MiB), or "" when it is not there.
    static func read(_ path: String, in tree: any SourceTree) throws -> String {
        guard let real = try tree.resolvingLinks(path), let node = try tree.node(at: real), node.kind == .regularFile,
              node.size <= 1 << 20 else { return "" }
        let bytes: [UInt8]
        switch node.content {
        case .none: bytes = []
        case .bytes(let data): bytes = data
        case .file(let file): bytes = try LocalFile.readAll(file, offset: 0, count: Int(node.size))
        case .fileRange(let file, let offset): bytes = try LocalFile.readAll(file, offset: offset, count: Int(node.size))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
