#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchArchive
import XArchContent
import XArchModel

/// Applies layers, one after the other, to a `ContainedRoot` (OCI image spec, layer.md, "Applying
/// Changesets"): each tar entry is created at its path inside the root, replacing what was there
/// unless both are directories; regular files are streamed to disk, never held in memory. Whiteouts
/// and opaque markers are in `LayerApplier+Whiteouts.swift`.
///
/// Used by one unpack at a time, sequentially; never shared.
final class LayerApplier {
    /// A directory's own metadata, applied once every layer is in (so that a read-only directory can
    /// still receive its contents, and its time is not changed by them afterwards).
    struct DirectoryMetadata {
        var mode: UInt32, uid: Int, gid: Int, modificationTime: Int64
    }

    let root: ContainedRoot
    /// Whether owners are applied (`lchown`): only when running as root, as extractors do.
    let appliesOwners: Bool
    var report = RootFilesystem.Report()
    /// Directories by real path (relative to the root).
    var directories: [String: DirectoryMetadata] = [:]
    /// Real paths written by the layer being applied, and every directory above them: what its
    /// whiteouts and opaque markers must leave alone.
    var written: Set<String> = []
    var writtenAncestors: Set<String> = []

    init(root: ContainedRoot) {
        self.root = root
        appliesOwners = geteuid() == 0
        report.ownersApplied = appliesOwners
    }

    /// Applies the layer whose tar archive (compressed or not) is `stream`.
    func apply(_ stream: ByteStream, layer: Digest, limits: DecompressionLimits) async throws {
        written = []
        writtenAncestors = []
        let tar = TarReader(LayerDecompression.decompress(stream, limits: limits), prefixLimit: 0)
        while true {
            let header: TarEntry?
            do {
                header = try await tar.nextHeader()
            } catch {
                throw XArchError((error as? XArchError)?.code ?? .io,
                                 "cannot read layer \(layer): \((error as? XArchError)?.message ?? "\(error)")", cause: error)
            }
            guard let entry = header else { break }
            do {
                try await apply(entry, tar)
            } catch {
                throw XArchError((error as? XArchError)?.code ?? .io,
                                 "cannot apply the entry '\(entry.path)' of layer \(layer): \((error as? XArchError)?.message ?? "\(error)")",
                                 cause: error)
            }
            report.entries += 1
        }
        report.layers.append(layer)
    }

    private func apply(_ entry: TarEntry, _ tar: TarReader) async throws {
        switch LayerEntryMeaning.of(entry, file: { $0.size }) {
        case .nothing:
            return
        case .escapingName:
            throw XArchError(.invalidInput, "the name climbs out of the image root; refusing to unpack the layer")
        case .escapingLink:
            throw XArchError(.invalidInput, "the hard link's target '\(entry.linkTarget)' is outside the image root; refusing to unpack the layer")
        case .change(let change, _):
            switch change.change {
            case .whiteout: try whiteout(change.path)
            case .opaque: try opaque(change.path)
            case .hardLink(let target): try link(change.path, to: target)
            default: try await create(change.path, entry, tar)
            }
        }
    }

    /// Creates the entry at `path`: its parent resolved (and made) inside the root, what is in the
    /// way removed unless a directory meets a directory.
    private func create(_ path: String, _ entry: TarEntry, _ tar: TarReader) async throws {
        let (parentPath, name) = TarPath.split(path)
        guard let parent = try root.directory(parentPath, create: true) else {
            throw XArchError(.io, "cannot create the parent directory of \(root.display(path))")
        }
        defer { POSIXFile.closeQuietly(parent.fd) }
        let real = TarPath.join(parent.path, name)
        let shown = root.display(real)
        let existing = try FileTree.kind(parent.fd, name, display: shown)
        if existing != .missing && !(existing == .directory && entry.kind == .directory) {
            try removeExisting(parent.fd, name, real: real)
        }
        markWritten(real)
        switch entry.kind {
        case .directory:
            if existing != .directory { try FileTree.makeDirectory(parent.fd, name, display: shown) }
            directories[real] = DirectoryMetadata(mode: entry.mode, uid: entry.uid, gid: entry.gid,
                                                  modificationTime: entry.modificationTime)
        case .regular:
            try await writeFile(parent.fd, name, entry, tar, shown: shown)
        case .symlink:
            guard symlinkat(entry.linkTarget, parent.fd, name) == 0 else { throw POSIXFile.error("create the symlink", shown) }
            try finish(parent.fd, name, entry, shown: shown)
        case .fifo:
            guard mkfifoat(parent.fd, name, mode_t(entry.mode & 0o7777)) == 0 else { throw POSIXFile.error("create the FIFO", shown) }
            try finish(parent.fd, name, entry, shown: shown)
            try FileTree.setMode(parent.fd, name, entry.mode, display: shown)
        case .characterDevice, .blockDevice:
            let type = entry.kind == .characterDevice ? S_IFCHR : S_IFBLK
            guard mknodat(parent.fd, name, type | mode_t(entry.mode & 0o7777), Self.device(entry)) == 0 else {
                guard errno == EPERM || errno == EACCES else { throw POSIXFile.error("create the device", shown) }
                report.skipped.append(.init(path: "/" + real, reason: "device nodes are not permitted here (\(String(cString: strerror(errno))))"))
                return
            }
            try finish(parent.fd, name, entry, shown: shown)
            try FileTree.setMode(parent.fd, name, entry.mode, display: shown)
        case .hardLink, .other:
            report.skipped.append(.init(path: "/" + real, reason: "unsupported tar entry type"))
        }
    }

    /// Streams a regular file's content to a new file, then sets its owner, mode and time.
    private func writeFile(_ directory: Int32, _ name: String, _ entry: TarEntry, _ tar: TarReader, shown: String) async throws {
        let fd = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXFile.error("create", shown) }
        defer { POSIXFile.closeQuietly(fd) }
        var left = entry.size
        while left > 0 {
            let chunk = try await tar.readContent(upTo: Int(Swift.min(left, 256 * 1024)))
            guard !chunk.isEmpty else { break }
            try chunk.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: shown) }
            left -= Int64(chunk.count)
        }
        if appliesOwners, fchown(fd, uid_t(entry.uid), gid_t(entry.gid)) != 0 { ownerRefused(shown) }
        // After the owner: chown clears set-user-id and set-group-id.
        guard fchmod(fd, mode_t(entry.mode & 0o7777)) == 0 else { throw POSIXFile.error("set the mode of", shown) }
        let times = FileTree.times(entry.modificationTime)
        guard futimens(fd, times) == 0 else { throw POSIXFile.error("set the time of", shown) }
    }

    /// Owner and time of a symlink, FIFO or device, without following it.
    private func finish(_ directory: Int32, _ name: String, _ entry: TarEntry, shown: String) throws {
        if appliesOwners, fchownat(directory, name, uid_t(entry.uid), gid_t(entry.gid), AT_SYMLINK_NOFOLLOW) != 0 {
            ownerRefused(shown)
        }
        guard utimensat(directory, name, FileTree.times(entry.modificationTime), AT_SYMLINK_NOFOLLOW) == 0 else {
            throw POSIXFile.error("set the time of", shown)
        }
    }

    /// A hard link to `target`, an earlier path that must resolve inside the root to something that
    /// is not a directory.
    private func link(_ path: String, to target: String) throws {
        let (targetParentPath, targetName) = TarPath.split(target)
        guard let targetParent = try root.directory(targetParentPath, create: false) else {
            throw XArchError(.invalidInput, "the hard link's target \(TarPath.display(target)) does not exist")
        }
        defer { POSIXFile.closeQuietly(targetParent.fd) }
        let targetShown = root.display(TarPath.join(targetParent.path, targetName))
        switch try FileTree.kind(targetParent.fd, targetName, display: targetShown) {
        case .missing: throw XArchError(.invalidInput, "the hard link's target \(TarPath.display(target)) does not exist")
        case .directory: throw XArchError(.invalidInput, "the hard link's target \(TarPath.display(target)) is a directory")
        case .symlink, .other: break
        }
        let (parentPath, name) = TarPath.split(path)
        guard let parent = try root.directory(parentPath, create: true) else {
            throw XArchError(.io, "cannot create the parent directory of \(root.display(path))")
        }
        defer { POSIXFile.closeQuietly(parent.fd) }
        let real = TarPath.join(parent.path, name)
        guard real != TarPath.join(targetParent.path, targetName) else { return }
        try removeExisting(parent.fd, name, real: real)
        markWritten(real)
        guard linkat(targetParent.fd, targetName, parent.fd, name, 0) == 0 else {
            throw POSIXFile.error("create the hard link", root.display(real))
        }
    }

    /// Applies the directories' own metadata, deepest first (a read-only parent is still traversable
    /// by root; the owner keeps search permission until its children are done).
    func finishDirectories() throws {
        for (path, meta) in directories.sorted(by: { $0.key.split(separator: "/").count > $1.key.split(separator: "/").count }) {
            guard let directory = try root.openReal(ContainedRoot.components(path).map(String.init)) else { continue }
            defer { POSIXFile.closeQuietly(directory.fd) }
            let shown = root.display(path)
            if appliesOwners, fchown(directory.fd, uid_t(meta.uid), gid_t(meta.gid)) != 0 { ownerRefused(shown) }
            guard fchmod(directory.fd, mode_t(meta.mode & 0o7777)) == 0 else { throw POSIXFile.error("set the mode of", shown) }
            guard futimens(directory.fd, FileTree.times(meta.modificationTime)) == 0 else {
                throw POSIXFile.error("set the time of", shown)
            }
        }
    }

    /// Counts an owner the kernel refused (EPERM, or EINVAL for an id unmapped in a user namespace).
    private func ownerRefused(_ shown: String) {
        report.ownersRefused += 1
    }

    /// `makedev` for Linux's device number encoding.
    static func device(_ entry: TarEntry) -> dev_t {
        let major = UInt64(truncatingIfNeeded: entry.deviceMajor), minor = UInt64(truncatingIfNeeded: entry.deviceMinor)
        let value = ((major & 0xffff_f000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffff_ff00) << 12) | (minor & 0xff)
        return dev_t(truncatingIfNeeded: value)
    }
}
