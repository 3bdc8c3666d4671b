import XArchModel

/// The file system an image's layers build (OCI image spec, layer.md, "Applying Changesets":
/// whiteouts, opaque whiteouts, hard links, symlinked parent directories), reduced to what a reader
/// needs per path: its kind, the layer it came from, and for regular files a `File` value (facts for
/// verification, a location for an unpacker). Memory grows with the number of paths only.
///
/// Stored as a tree of nodes in one array (children by name), so deleting a directory is one unlink.
public struct LayerTree<File: Sendable & Hashable>: Sendable {
    /// What is at a path.
    public enum Kind: Sendable, Hashable {
        case file(File)
        case directory
        case symlink(target: String)
        case special
    }

    /// A path's kind and the position (in `layers`) of the layer that last wrote it.
    public struct Record: Sendable, Hashable {
        public var kind: Kind
        public var layer: Int

        @inlinable public init(kind: Kind, layer: Int) {
            self.kind = kind
            self.layer = layer
        }
    }

    /// A hard link whose target is not a file in the layers below it or before it in its layer.
    public struct DanglingLink: Sendable, Hashable {
        /// The link and its target, relative to the root.
        public var path: String
        public var target: String

        @inlinable public init(path: String, target: String) {
            self.path = path
            self.target = target
        }
    }

    @usableFromInline
    struct Node: Sendable {
        @usableFromInline var name: String
        @usableFromInline var parent: Int32
        @usableFromInline var children: [String: Int32] = [:]
        @usableFromInline var record: Record

        @inlinable init(name: String, parent: Int32, record: Record) {
            self.name = name
            self.parent = parent
            self.record = record
        }
    }

    @usableFromInline var nodes: [Node]
    /// The layers applied, in order.
    public var layers: [Digest] { appliedLayers }
    @usableFromInline var appliedLayers: [Digest] = []
    @usableFromInline static var root: Int32 { 0 }

    @inlinable public init() {
        nodes = [Node(name: "", parent: Self.root, record: Record(kind: .directory, layer: -1))]
    }

    /// Applies one layer on top of the others: first its whiteouts and opaque markers (they hide
    /// what lower layers have, never the layer's own entries), then its changes in archive order.
    /// Returns the hard links that could not be applied.
    @discardableResult @inlinable
    public mutating func apply(_ changes: [LayerChange<File>], layer digest: Digest) -> [DanglingLink] {
        let position = appliedLayers.count
        appliedLayers.append(digest)
        for change in changes {
            switch change.change {
            case .whiteout:
                if let node = lookup(change.path, followLast: false), node != Self.root { unlink(node) }
            case .opaque:
                if let node = lookup(change.path, followLast: true), case .directory = nodes[Int(node)].record.kind {
                    nodes[Int(node)].children = [:]
                }
            default: continue
            }
        }
        var dangling: [DanglingLink] = []
        for change in changes {
            switch change.change {
            case .whiteout, .opaque: continue
            case .file(let file): insert(change.path, Record(kind: .file(file), layer: position))
            case .directory: insert(change.path, Record(kind: .directory, layer: position))
            case .symlink(let target): insert(change.path, Record(kind: .symlink(target: target), layer: position))
            case .special: insert(change.path, Record(kind: .special, layer: position))
            case .hardLink(let target):
                if let source = lookup(target, followLast: false), case .file = nodes[Int(source)].record.kind {
                    insert(change.path, Record(kind: nodes[Int(source)].record.kind, layer: position))
                } else {
                    dangling.append(DanglingLink(path: change.path, target: target))
                }
            }
        }
        return dangling
    }

    /// The record at `path` (relative or absolute), following symlinks on the way, and the last
    /// one too when `followLast`. nil when nothing is there or the symlinks loop.
    @inlinable public func record(at path: String, followLast: Bool = true) -> Record? {
        lookup(path, followLast: followLast).map { nodes[Int($0)].record }
    }

    /// Calls `body` with the path ("/bin/busybox") and record of every file in the file system.
    @inlinable public func forEachFile(_ body: (String, Record) -> Void) {
        var stack: [(Int32, String)] = [(Self.root, "")]
        while let (node, path) = stack.popLast() {
            for (name, child) in nodes[Int(node)].children.sorted(by: { $0.key > $1.key }) {
                let childPath = path + "/" + name
                if case .file = nodes[Int(child)].record.kind { body(childPath, nodes[Int(child)].record) }
                if !nodes[Int(child)].children.isEmpty { stack.append((child, childPath)) }
            }
        }
    }

    /// Number of paths present (directories included).
    @inlinable public var pathCount: Int {
        var count = 0, stack: [Int32] = [Self.root]
        while let node = stack.popLast() {
            count += nodes[Int(node)].children.count
            stack.append(contentsOf: nodes[Int(node)].children.values)
        }
        return count
    }
}
