import XArchArchive
import XArchModel

/// An image's file system as verification sees it: `XArchArchive`'s `LayerTree` with `FileFacts` for
/// each regular file, and the problems met while applying the layers (hard links to nothing).
public struct LayerFilesystem: Sendable {
    public typealias Kind = LayerTree<FileFacts>.Kind
    public typealias Record = LayerTree<FileFacts>.Record

    private var tree = LayerTree<FileFacts>()
    /// Problems met while applying.
    public private(set) var issues: [LayerSummary.Issue] = []

    public init() {}

    /// The layers applied, in order.
    public var layers: [Digest] { tree.layers }

    /// Applies one layer on top of the others (see `LayerTree.apply`).
    public mutating func apply(_ layer: LayerSummary) {
        for link in tree.apply(layer.entries, layer: layer.digest) {
            // An error: GNU tar and umoci cannot unpack such a layer, BuildKit refuses it.
            issues.append(.init(severity: .error, kind: .unsafePath, path: TarPath.display(link.path),
                                message: "hard link /\(link.path) points to /\(link.target), which is not a file in the layers below it or before it; extractors cannot unpack it"))
        }
    }

    /// The record at `path`, following symlinks (the last one too when `followLast`).
    public func record(at path: String, followLast: Bool = true) -> Record? {
        tree.record(at: path, followLast: followLast)
    }

    /// Calls `body` with the path ("/bin/busybox") and record of every file.
    public func forEachFile(_ body: (String, Record) -> Void) { tree.forEachFile(body) }

    /// Number of paths present (directories included).
    public var pathCount: Int { tree.pathCount }
}
