#if canImport(Glibc)
import Glibc
#endif
import XArchArchive
import XArchModel
import XArchRun

/// The file system of a stage that ran RUN instructions, as the overlay inside the sandbox shows it,
/// read on the host without mounting anything: directories stacked bottom first (the base image's
/// unpacked tree, then one directory per later layer — a COPY's files, a RUN's overlay upper directory),
/// where a 0/0 character device deletes a name and a directory marked `user.overlay.opaque` hides the
/// lower layers' directory (Documentation/filesystems/overlayfs.rst). Used for `COPY --from` such a
/// stage and to read its `/etc/passwd`. Never follows a symlink on the host.
struct DirectoryStack: SourceTree {
    let sourceName: String
    /// Top layer first.
    private let layers: [String]
    private let mapping: IDMapping

    /// `directories` bottom first.
    init(name: String, directories: [String], mapping: IDMapping) {
        sourceName = name
        layers = directories.reversed()
        self.mapping = mapping
    }

    private enum Found {
        case missing, whiteout, directory(opaque: Bool), other
    }

    private static func look(_ path: String) -> (Found, stat) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return (.missing, st) }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return (.directory(opaque: OverlayUpper.isOpaque(path)), st)
        case S_IFCHR where st.st_rdev == 0: return (.whiteout, st)
        default: return (.other, st)
        }
    }

    /// The layers in which `directory` is a directory that shows, top first; empty when it does not exist
    /// as a directory.
    private func directoryLayers(_ directory: String) -> [String] {
        var active = layers
        for component in directory.split(separator: "/") where !directory.isEmpty {
            var next: [String] = []
            for layer in active {
                let prefix = String(directory[..<component.endIndex])
                let (found, _) = Self.look("\(layer)/\(prefix)")
                if case .missing = found { continue }
                if case .directory(let opaque) = found {
                    next.append(layer)
                    if opaque { break }
                    continue
                }
                break // a whiteout or a non-directory hides everything below
            }
            active = next
            if active.isEmpty { return [] }
        }
        return active
    }

    func node(at path: String) throws -> SourceNode? {
        if path.isEmpty { return SourceNode(kind: .directory, mode: 0o755) }
        let parent = LayerEntries.parent(of: path) ?? ""
        for layer in directoryLayers(parent) {
            let host = "\(layer)/\(path)"
            let (found, st) = Self.look(host)
            switch found {
            case .missing: continue
            case .whiteout: return nil
            case .directory, .other:
                return node(st, host: host)
            }
        }
        return nil
    }

    func children(of directory: String) throws -> [String] {
        var shown: Set<String> = [], hidden: Set<String> = []
        for layer in directoryLayers(directory) {
            let host = directory.isEmpty ? layer : "\(layer)/\(directory)"
            for name in try POSIXFile.directoryEntries(host) ?? [] where !shown.contains(name) && !hidden.contains(name) {
                if case .whiteout = Self.look("\(host)/\(name)").0 { hidden.insert(name) } else { shown.insert(name) }
            }
        }
        return shown.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The bytes of the regular file at `path` (symlinks inside the tree followed), at most `limit`; nil
    /// when there is none.
    func read(_ path: String, limit: Int) throws -> [UInt8]? {
        guard let resolved = try resolvingLinks(path), let node = try node(at: resolved), node.kind == .regularFile,
              case .file(let host) = node.content else { return nil }
        return try POSIXFile.readFile(host, limit: limit, what: "/\(path) of \(sourceName)")
    }

    private func node(_ st: stat, host: String) -> SourceNode {
        let kind: SourceNode.Kind
        var content = LayerEntry.Content.none
        switch st.st_mode & S_IFMT {
        case S_IFDIR: kind = .directory
        case S_IFREG:
            kind = .regularFile
            content = .file(path: host)
        case S_IFLNK: kind = .symbolicLink(target: (try? OverlayUpper.linkTarget(host)) ?? "")
        default: kind = .other
        }
        var node = SourceNode(kind: kind, mode: UInt32(st.st_mode) & 0o7777,
                              uid: Int(mapping.insideID(ofHostUser: st.st_uid)), gid: Int(mapping.insideID(ofHostGroup: st.st_gid)),
                              size: kind == .regularFile ? Int64(st.st_size) : 0, modificationTime: Int64(st.st_mtim.tv_sec),
                              content: content)
        if kind == .regularFile, st.st_nlink > 1 {
            node.linkIdentity = .init(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        }
        return node
    }
}
