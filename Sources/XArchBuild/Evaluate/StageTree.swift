import XArchModel

/// The file system of an earlier stage or of an image, for `COPY --from`: the entries of the stage's
/// new layers over the files of its base image, if it has one (layer.md, "Applying Changesets" — the
/// build writes no whiteouts, so a new entry simply replaces what the base has at its path).
struct StageTree: SourceTree {
    let sourceName: String
    private let entries: [String: LayerEntry]
    private let listing: [String: Set<String>]
    private let base: ArchiveTree?

    /// `state`'s new layers over `base`, the file system of its base image (nil for `scratch`).
    init(name: String, state: StageState, base: ArchiveTree?) {
        self.sourceName = name
        self.entries = state.newIndex.entries
        self.listing = state.newIndex.listing
        self.base = base
    }

    func node(at path: String) throws -> SourceNode? {
        if let entry = entries[path] { return Self.node(entry) }
        if let node = try base?.node(at: path) { return node }
        return path.isEmpty || listing[path] != nil ? SourceNode(kind: .directory, mode: 0o755) : nil
    }

    func children(of directory: String) throws -> [String] {
        let names = (listing[directory] ?? []).union(try base?.children(of: directory) ?? [])
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The entry the stage's new layers have at `path` (the last one written), if any.
    func entry(at path: String) -> LayerEntry? { entries[path] }

    /// Whether the stage's new layers have `path`.
    func hasEntry(_ path: String) -> Bool { entries[path] != nil || listing[path] != nil }

    static func node(_ entry: LayerEntry) -> SourceNode {
        let kind: SourceNode.Kind
        switch entry.kind {
        case .directory: kind = .directory
        case .regularFile: kind = .regularFile
        case .symbolicLink(let target): kind = .symbolicLink(target: target)
        case .hardLink: kind = .other
        }
        return SourceNode(kind: kind, mode: entry.mode, uid: entry.uid, gid: entry.gid, size: entry.size,
                          modificationTime: entry.modificationTime, content: entry.content)
    }
}
