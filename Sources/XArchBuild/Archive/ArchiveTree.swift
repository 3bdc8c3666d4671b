import XArchArchive
import XArchModel

/// The file system a stack of spooled layers builds (OCI image spec, layer.md, "Applying Changesets"):
/// later layers replace earlier entries; `.wh.NAME` deletes NAME and what is below it; `.wh..wh..opq`
/// empties its directory of what lower layers put there; a hard link takes its target's content.
/// Files keep pointing into the spooled tar files, so nothing but metadata is held in memory.
struct ArchiveTree: SourceTree {
    let sourceName: String
    private(set) var nodes: [String: SourceNode] = [:]
    private var listing: [String: Set<String>] = [:]

    static let whiteoutPrefix = ".wh."
    static let opaqueMarker = ".wh..wh..opq"

    init(name: String, layers: [SpooledArchive]) {
        sourceName = name
        for layer in layers { apply(layer) }
    }

    func node(at path: String) throws -> SourceNode? {
        if let node = nodes[path] { return node }
        return path.isEmpty || listing[path] != nil ? SourceNode(kind: .directory, mode: 0o755) : nil
    }

    func children(of directory: String) throws -> [String] {
        (listing[directory] ?? []).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Applies one layer: first its whiteouts (they hide what lower layers have, never the layer's own
    /// entries), then its entries in order.
    mutating func apply(_ layer: SpooledArchive) {
        for entry in layer.entries {
            let base = CleanPath.base(entry.path), parent = LayerEntries.parent(of: entry.path) ?? ""
            if base == Self.opaqueMarker {
                for child in listing[parent] ?? [] { remove(CleanPath.join(parent, child)) }
            } else if base.hasPrefix(Self.whiteoutPrefix) {
                remove(CleanPath.join(parent, String(base.dropFirst(Self.whiteoutPrefix.count))))
            }
        }
        for entry in layer.entries where !CleanPath.base(entry.path).hasPrefix(Self.whiteoutPrefix) {
            insert(entry, file: layer.file)
        }
    }

    private mutating func insert(_ entry: SpooledArchive.Entry, file: String) {
        let node: SourceNode
        switch entry.kind {
        case .regular:
            node = SourceNode(kind: .regularFile, mode: entry.mode, size: entry.size,
                              content: .fileRange(path: file, offset: entry.offset))
        case .directory:
            node = SourceNode(kind: .directory, mode: entry.mode)
        case .symbolicLink(let target):
            node = SourceNode(kind: .symbolicLink(target: target), mode: 0o777)
        case .hardLink(let target):
            guard let linked = nodes[target], linked.kind == .regularFile else { return }
            node = linked
        case .foreignHardLink(let raw):
            // A base layer's absolute link target is taken from the root, as docker does.
            guard case .path(let target, _) = TarPath.clean(raw), let linked = nodes[target],
                  linked.kind == .regularFile else { return }
            node = linked
        case .other:
            node = SourceNode(kind: .other, mode: entry.mode)
        }
        if nodes[entry.path]?.kind == .directory, node.kind != .directory { remove(entry.path) }
        nodes[entry.path] = node
        var child = entry.path
        while true {
            let parent = LayerEntries.parent(of: child) ?? ""
            guard listing[parent, default: []].insert(CleanPath.base(child)).inserted, !parent.isEmpty else { break }
            child = parent
        }
    }

    /// Removes `path` and everything below it.
    private mutating func remove(_ path: String) {
        for child in listing[path] ?? [] { remove(CleanPath.join(path, child)) }
        listing[path] = nil
        nodes[path] = nil
        listing[LayerEntries.parent(of: path) ?? ""]?.remove(CleanPath.base(path))
    }
}
