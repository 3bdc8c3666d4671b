/// One change a layer makes to the file system (OCI image spec, layer.md, "Changesets" and
/// "Whiteouts"), with what is kept of a regular file as `File` (facts for verification, a location for
/// an unpacker).
public struct LayerChange<File: Sendable & Hashable>: Sendable, Hashable {
    public enum Change: Sendable, Hashable {
        case file(File)
        case directory
        case symlink(target: String)
        /// A hard link to an earlier path (cleaned, relative to the root).
        case hardLink(target: String)
        /// Devices and FIFOs.
        case special
        /// `.wh.NAME`: `path` is deleted, with everything under it.
        case whiteout
        /// `.wh..wh..opq`: what lower layers have under the directory `path` is hidden.
        case opaque
    }

    /// Relative to the root, cleaned: "usr/bin/env".
    public var path: String
    public var change: Change

    public init(path: String, change: Change) {
        self.path = path
        self.change = change
    }
}

/// What a tar entry means for the file system, decided from its name and type the way containerd and
/// moby apply layers: names are cleaned (`TarPath`), whiteout names become deletions.
public enum LayerEntryMeaning<File: Sendable & Hashable>: Sendable, Hashable {
    /// A change to apply; `wasAbsolute` when the name started with `/` (extractors put it under the root).
    case change(LayerChange<File>, wasAbsolute: Bool)
    /// The root itself, or aufs bookkeeping (`.wh..wh.*` other than the opaque marker): nothing to apply.
    case nothing
    /// The name climbs above the root (`../etc/passwd`): extractors refuse the entry.
    case escapingName
    /// A hard link whose target climbs above the root.
    case escapingLink

    /// The meaning of `entry`; `file` makes the kept form of a regular file.
    public static func of(_ entry: TarEntry, file: (TarEntry) -> File) -> LayerEntryMeaning {
        of(entry, cleaned: TarPath.clean(entry.path), file: file)
    }

    /// The meaning of `entry` whose name the caller cleaned already (`TarPath.clean(entry.path)`).
    public static func of(_ entry: TarEntry, cleaned: TarPath.Cleaned, file: (TarEntry) -> File) -> LayerEntryMeaning {
        guard case .path(let path, let wasAbsolute) = cleaned else { return .escapingName }
        guard !path.isEmpty else { return .nothing }
        let (parent, base) = TarPath.split(path)
        if base == ".wh..wh..opq" { return .change(LayerChange(path: parent, change: .opaque), wasAbsolute: wasAbsolute) }
        if base.hasPrefix(".wh.") {
            // Other `.wh..wh.` names are aufs metadata (hard-link bookkeeping), not changes.
            guard !base.hasPrefix(".wh..wh.") else { return .nothing }
            let deleted = TarPath.join(parent, String(base.dropFirst(4)))
            return .change(LayerChange(path: deleted, change: .whiteout), wasAbsolute: wasAbsolute)
        }
        let change: LayerChange<File>.Change
        switch entry.kind {
        case .regular: change = .file(file(entry))
        case .directory: change = .directory
        case .symlink: change = .symlink(target: entry.linkTarget)
        case .hardLink:
            guard case .path(let target, _) = TarPath.clean(entry.linkTarget), !target.isEmpty else { return .escapingLink }
            change = .hardLink(target: target)
        case .characterDevice, .blockDevice, .fifo, .other: change = .special
        }
        return .change(LayerChange(path: path, change: change), wasAbsolute: wasAbsolute)
    }
}
