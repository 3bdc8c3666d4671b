#if canImport(Glibc)
import Glibc
#endif
import XArchModel
import XArchRun

/// The layer of one RUN: the changes of its overlay upper directory as layer entries (layer.md,
/// "Changesets" and "Whiteouts"): a deletion becomes an empty `.wh.NAME` file, an opaque directory
/// the directory plus `.wh..wh..opq`, files point at their bytes in the upper directory, owners are the
/// ids inside the sandbox. The mount points the sandbox made for itself (`proc`, `dev` when the image
/// has none) are left out; everything a RUN writes under them went to its private mounts.
enum RunLayer {
    /// The top-level directories the sandbox mounts on (a RUN's `/tmp` is the image's own).
    static let mountPoints: Set<String> = ["proc", "dev"]

    /// `changes` as layer entries (nil when there are none: no layer, an empty history entry), and the
    /// mount stubs left out (paths relative to the upper directory, children first), which the caller
    /// removes from the upper directory so that later RUNs stacked on it do not see them.
    /// `existsBelow(path)`: whether the layers under the RUN have `path`. `mountTargets`: the targets of
    /// the RUN's mounts (relative): they and their parents, when the sandbox created them as mount points
    /// (empty, absent below), are left out, as BuildKit removes its mount stubs. `unchanged(change)`:
    /// whether the layers below have the same object (a file overlayfs copied up but the RUN left as it
    /// was): such files, symlinks and directories with nothing kept under them are left out, as
    /// BuildKit's differ leaves them out.
    static func layer(_ changes: [UpperChange], mapping: IDMapping, mountTargets: [String] = [],
                      unchanged: (UpperChange) -> Bool = { _ in false },
                      existsBelow: (String) -> Bool) -> (entries: LayerEntries?, stubs: [String]) {
        var stubs = mountPoints
        for target in mountTargets {
            var path: String? = target
            while let current = path, !current.isEmpty {
                stubs.insert(current)
                path = LayerEntries.parent(of: current)
            }
        }
        // A stub goes when it is an empty directory or empty file the layers below do not have, and
        // everything the RUN left under it goes too (children first: reverse path order).
        var dropped: Set<String> = []
        var stubPaths: [String] = []
        var kept: Set<String> = []
        let linkTargets = Set(changes.compactMap { change -> String? in
            if case .hardLink(let target) = change.kind { return target } else { return nil }
        })
        for change in changes.reversed() {
            let empty: Bool
            switch change.kind {
            case .directory(let opaque): empty = !opaque && !kept.contains(change.path)
            case .regularFile: empty = change.size == 0
            default: empty = false
            }
            let same: Bool
            switch change.kind {
            case .regularFile, .symbolicLink: same = !linkTargets.contains(change.path) && unchanged(change)
            case .directory(let opaque): same = !opaque && !kept.contains(change.path) && unchanged(change)
            case .whiteout, .hardLink: same = false
            }
            if stubs.contains(change.path), empty, !existsBelow(change.path) {
                dropped.insert(change.path)
                stubPaths.append(change.path)
            } else if same {
                dropped.insert(change.path)
            } else if let parent = LayerEntries.parent(of: change.path) {
                var ancestor: String? = parent
                while let current = ancestor, kept.insert(current).inserted { ancestor = LayerEntries.parent(of: current) }
            }
        }
        var entries = LayerEntries()
        for change in changes {
            if dropped.contains(change.path) { continue }
            let uid = Int(mapping.insideID(ofHostUser: change.uid)), gid = Int(mapping.insideID(ofHostGroup: change.gid))
            switch change.kind {
            case .whiteout:
                let parent = LayerEntries.parent(of: change.path)
                let name = ".wh." + (change.path.split(separator: "/").last.map(String.init) ?? change.path)
                entries.add(.file(parent.map { "\($0)/\(name)" } ?? name, bytes: [], mode: 0o644))
                continue
            case .directory(let opaque):
                entries.add(.directory(change.path, mode: change.mode, uid: uid, gid: gid, modificationTime: change.modificationTime))
                if opaque { entries.add(.file("\(change.path)/.wh..wh..opq", bytes: [], mode: 0o644)) }
                continue
            case .regularFile:
                entries.add(LayerEntry(path: change.path, kind: .regularFile, mode: change.mode, uid: uid, gid: gid,
                                       size: change.size, modificationTime: change.modificationTime,
                                       content: .file(path: change.hostPath)))
            case .symbolicLink(let target):
                entries.add(LayerEntry(path: change.path, kind: .symbolicLink(target: target), mode: 0o777, uid: uid, gid: gid,
                                       modificationTime: change.modificationTime))
            case .hardLink(let target):
                entries.add(LayerEntry(path: change.path, kind: .hardLink(target: target), mode: change.mode, uid: uid, gid: gid,
                                       modificationTime: change.modificationTime))
            }
        }
        return (entries.isEmpty ? nil : entries, stubPaths)
    }
}
