/// Path walking with symlink resolution inside the image root, as the kernel resolves paths in a
/// container: absolute targets start again at the root, `..` at the root stays there, and more than
/// 40 links on one walk (Linux's MAXSYMLINKS) is a loop.
///
/// `@inlinable` / `@usableFromInline` throughout the tree: the verifier applies hundreds of thousands of
/// entries per image, and a generic type used from another module is only specialized (no generic
/// metadata lookups, no witness-table copies per node) when its code is visible there.
extension LayerTree {
    @usableFromInline static var maxSymlinks: Int { 40 }

    /// The node at `path`, or nil.
    @inlinable func lookup(_ path: String, followLast: Bool) -> Int32? {
        var budget = Self.maxSymlinks
        return walk(from: Self.root, Self.components(path), followLast: followLast, budget: &budget)
    }

    @inlinable static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    }

    @inlinable func walk(from start: Int32, _ components: [Substring], followLast: Bool, budget: inout Int) -> Int32? {
        var current = start
        for (i, component) in components.enumerated() {
            if component == ".." {
                current = nodes[Int(current)].parent
                continue
            }
            guard case .directory = nodes[Int(current)].record.kind,
                  let child = nodes[Int(current)].children[String(component)] else { return nil }
            let isLast = i == components.count - 1
            if case .symlink(let target) = nodes[Int(child)].record.kind, !isLast || followLast {
                budget -= 1
                guard budget >= 0 else { return nil }
                let base = target.hasPrefix("/") ? Self.root : current
                guard let resolved = walk(from: base, Self.components(target), followLast: true, budget: &budget) else { return nil }
                current = resolved
            } else {
                current = child
            }
        }
        return current
    }

    /// Puts `record` at `path`, creating missing parent directories and following symlinked parents
    /// (an entry under `lib/` lands in `usr/lib/` when `lib` links there). A directory over a
    /// directory keeps its children; anything else replaces what was there.
    @inlinable mutating func insert(_ path: String, _ record: Record) {
        let parts = Self.components(path)
        guard let name = parts.last, !parts.contains("..") else { return }
        var current = Self.root
        for component in parts.dropLast() {
            var budget = Self.maxSymlinks
            if let next = walk(from: current, [component], followLast: true, budget: &budget),
               case .directory = nodes[Int(next)].record.kind {
                current = next
            } else {
                current = add(String(component), under: current, Record(kind: .directory, layer: record.layer))
            }
        }
        if let existing = nodes[Int(current)].children[String(name)],
           case .directory = nodes[Int(existing)].record.kind, case .directory = record.kind {
            nodes[Int(existing)].record = record
            return
        }
        _ = add(String(name), under: current, record)
    }

    /// A new node under `parent`, replacing whatever had that name.
    @inlinable mutating func add(_ name: String, under parent: Int32, _ record: Record) -> Int32 {
        let index = Int32(nodes.count)
        nodes.append(Node(name: name, parent: parent, record: record))
        nodes[Int(parent)].children[name] = index
        return index
    }

    /// Removes `node` (and so everything under it) from its parent.
    @inlinable mutating func unlink(_ node: Int32) {
        let parent = nodes[Int(node)].parent
        nodes[Int(parent)].children[nodes[Int(node)].name] = nil
        nodes[Int(node)].children = [:]
    }
}
