import XArchArchive
import XArchModel

/// Whiteouts (OCI image spec, layer.md, "Whiteouts"): `.wh.NAME` deletes NAME, with everything under
/// it, and `.wh..wh..opq` hides everything lower layers have in its directory. Both only ever hide
/// what *lower* layers wrote: the spec applies them before the layer's other entries (as the layer
/// tree does). Streaming a layer once, the applier gets the same result by remembering the real paths
/// the current layer wrote and sparing them (and the directories above them) when a whiteout comes.
extension LayerApplier {
    /// Records that the current layer wrote `real`.
    func markWritten(_ real: String) {
        written.insert(real)
        var parent = TarPath.split(real).parent
        while !parent.isEmpty, writtenAncestors.insert(parent).inserted {
            parent = TarPath.split(parent).parent
        }
    }

    /// Removes what is at `real` (the name `name` in `directory`) before an entry replaces it.
    func removeExisting(_ directory: Int32, _ name: String, real: String) throws {
        let shown = root.display(real)
        if try FileTree.kind(directory, name, display: shown) == .directory {
            forgetDirectories(under: real)
        }
        try FileTree.remove(directory, name, display: shown)
    }

    /// `.wh.NAME`: deletes `path` (its parent resolved inside the root, the name itself not followed).
    func whiteout(_ path: String) throws {
        let (parentPath, name) = TarPath.split(path)
        guard !name.isEmpty, let parent = try root.directory(parentPath, create: false) else { return }
        defer { POSIXFile.closeQuietly(parent.fd) }
        let real = TarPath.join(parent.path, name)
        let shown = root.display(real)
        if written.contains(real) || writtenAncestors.contains(real) {
            // The layer's own entry survives its whiteout; only lower content under it goes.
            guard let directory = try FileTree.openDirectory(parent.fd, name, display: shown) else { return }
            defer { POSIXFile.closeQuietly(directory) }
            try prune(directory, real: real)
            return
        }
        try removeExisting(parent.fd, name, real: real)
    }

    /// `.wh..wh..opq`: empties the directory `path` of what lower layers put there.
    func opaque(_ path: String) throws {
        guard let directory = try root.directory(path, create: false) else { return }
        defer { POSIXFile.closeQuietly(directory.fd) }
        try prune(directory.fd, real: directory.path)
    }

    /// Removes from the directory `real` everything the current layer did not write.
    private func prune(_ directory: Int32, real: String) throws {
        for name in try FileTree.names(directory, display: root.display(real)) {
            let child = TarPath.join(real, name)
            if written.contains(child) || writtenAncestors.contains(child) {
                guard let fd = try FileTree.openDirectory(directory, name, display: root.display(child)) else { continue }
                defer { POSIXFile.closeQuietly(fd) }
                try prune(fd, real: child)
            } else {
                try removeExisting(directory, name, real: child)
            }
        }
    }

    /// Drops the pending metadata of `real` and the directories under it, which are being removed.
    private func forgetDirectories(under real: String) {
        directories[real] = nil
        let prefix = real.isEmpty ? "" : real + "/"
        for key in directories.keys where key.hasPrefix(prefix) { directories[key] = nil }
    }
}
