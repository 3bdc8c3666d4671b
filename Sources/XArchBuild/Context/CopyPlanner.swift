import XArchModel

/// Numeric owner of copied files (`COPY --chown`).
public struct Ownership: Hashable, Sendable {
    public var uid: Int
    public var gid: Int
    public init(uid: Int, gid: Int) { self.uid = uid; self.gid = gid }
    public static let root = Ownership(uid: 0, gid: 0)
}

/// What one COPY (or the local part of one ADD) copies, after variable expansion.
public struct CopySpec: Hashable, Sendable {
    /// Source paths or patterns, relative to the source tree.
    public var sources: [String]
    /// Destination in the image, absolute (the working directory already applied).
    public var destination: String
    /// The destination names a directory: it ends with `/` (or is the working directory `.`).
    public var destinationIsDirectory: Bool
    /// `--chown`; nil keeps 0:0.
    public var owner: Ownership?
    /// `--chmod`; nil keeps the source modes.
    public var mode: UInt32?
    /// Write entries for parent directories that are not copied themselves (true when the stage's
    /// file system is known whole: `FROM scratch` and the stages built on it). On an image base they
    /// are left out, so the base's directories keep their owners and modes; tar extraction creates
    /// missing ones.
    public var writeParents: Bool

    public init(sources: [String], destination: String, destinationIsDirectory: Bool, owner: Ownership? = nil,
                mode: UInt32? = nil, writeParents: Bool = true) {
        self.sources = sources
        self.destination = destination
        self.destinationIsDirectory = destinationIsDirectory
        self.owner = owner
        self.mode = mode
        self.writeParents = writeParents
    }
}

/// Turns a COPY into layer entries (Dockerfile reference, COPY): wildcards are expanded; a directory
/// source copies its contents (not the directory itself) into the destination; a file goes to the
/// destination itself, or into it when the destination is a directory or there are several sources;
/// symbolic links inside copied directories are kept as links, a source named directly is followed;
/// every entry is owned by 0:0 unless `--chown`, with the source's mode unless `--chmod`.
public enum CopyPlanner {
    /// `existing` gives the entries the layers below already have: parent directories and a destination
    /// directory that exist keep their owner and mode; the ones the COPY creates get the `--chown` owner.
    public static func entries(_ spec: CopySpec, from tree: some SourceTree,
                               existing: (String) -> LayerEntry? = { _ in nil }) throws -> LayerEntries {
        var matches: [String] = []
        for source in spec.sources {
            let found = try tree.expand(source)
            guard !found.isEmpty else {
                throw XArchError(.missingSource, "\"\(source)\" matches no file in \(tree.sourceName)")
            }
            matches += found
        }
        let destination = CleanPath.inside(spec.destination)
        let intoDirectory = spec.destinationIsDirectory || matches.count > 1
        let owner = spec.owner ?? .root
        var entries = LayerEntries()
        var links: [String: SourceNode.LinkIdentity] = [:]
        for match in matches {
            guard let real = try tree.resolvingLinks(match), let node = try tree.node(at: real) else {
                throw XArchError(.missingSource, "\"\(match)\" does not exist in \(tree.sourceName) (or .dockerignore excludes it)")
            }
            switch node.kind {
            case .directory:
                // The destination of a directory's contents takes the source directory's mode and the
                // owner only when the COPY creates it; one that exists keeps its own (BuildKit copies
                // the top directory's metadata only onto a directory it created).
                if let lower = existing(destination), lower.kind == .directory, entries[destination] == nil {
                    entries.add(.directory(destination, mode: lower.mode, uid: lower.uid, gid: lower.gid,
                                           modificationTime: lower.modificationTime))
                } else if !destination.isEmpty, entries[destination] == nil {
                    entries.add(entry(destination, node, spec, owner))
                }
                try walk(real, into: destination, tree: tree, spec: spec, owner: owner, entries: &entries, links: &links)
            case .regularFile:
                let target = intoDirectory ? CleanPath.join(destination, CleanPath.base(match)) : destination
                guard !target.isEmpty else {
                    throw XArchError(.invalidInput, "cannot copy the file \"\(match)\" onto the root directory; name a file or end the destination with /")
                }
                entries.add(entry(target, node, spec, owner))
                if let identity = node.linkIdentity { links[target] = identity }
            case .symbolicLink, .other:
                throw XArchError(.unsupported, "\"\(match)\" in \(tree.sourceName) is not a regular file or directory")
            }
        }
        relink(&entries, links)
        if spec.writeParents {
            entries.addMissingParents(uid: owner.uid, gid: owner.gid, existing: existing)
        }
        return entries
    }

    /// Adds everything below `directory` (of the tree) under `target` (in the image).
    static func walk(_ directory: String, into target: String, tree: some SourceTree, spec: CopySpec,
                     owner: Ownership, entries: inout LayerEntries,
                     links: inout [String: SourceNode.LinkIdentity]) throws {
        for name in try tree.children(of: directory) {
            let path = CleanPath.join(directory, name)
            guard let node = try tree.node(at: path) else { continue }
            let destination = CleanPath.join(target, name)
            switch node.kind {
            case .directory:
                entries.add(entry(destination, node, spec, owner))
                try walk(path, into: destination, tree: tree, spec: spec, owner: owner, entries: &entries, links: &links)
            case .regularFile, .symbolicLink:
                entries.add(entry(destination, node, spec, owner))
                if let identity = node.linkIdentity { links[destination] = identity }
            case .other:
                continue
            }
        }
    }

    /// Names of one local file copied together are written as one file and hard links to it (as BuildKit
    /// and buildah keep them): the first name in tar order holds the bytes, the others link to it.
    static func relink(_ entries: inout LayerEntries, _ links: [String: SourceNode.LinkIdentity]) {
        var groups: [SourceNode.LinkIdentity: [String]] = [:]
        for (path, identity) in links where entries[path]?.kind == .regularFile { groups[identity, default: []].append(path) }
        for paths in groups.values where paths.count > 1 {
            let sorted = paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for path in sorted.dropFirst() {
                guard var link = entries[path] else { continue }
                link.kind = .hardLink(target: sorted[0])
                link.size = 0
                link.content = .none
                entries.add(link)
            }
        }
    }

    static func entry(_ path: String, _ node: SourceNode, _ spec: CopySpec, _ owner: Ownership) -> LayerEntry {
        let kind: LayerEntry.Kind
        switch node.kind {
        case .directory, .other: kind = .directory
        case .regularFile: kind = .regularFile
        case .symbolicLink(let target): kind = .symbolicLink(target: target)
        }
        var mode = spec.mode ?? node.mode
        if case .symbolicLink = kind { mode = 0o777 }
        return LayerEntry(path: path, kind: kind, mode: mode, uid: owner.uid, gid: owner.gid, size: node.size,
                          modificationTime: node.modificationTime, content: node.content)
    }
}
