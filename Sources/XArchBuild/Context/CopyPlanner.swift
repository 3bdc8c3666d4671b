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
    public static func entries(_ spec: CopySpec, from tree: some SourceTree) throws -> LayerEntries {
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
        for match in matches {
            guard let real = try tree.resolvingLinks(match), let node = try tree.node(at: real) else {
                throw XArchError(.missingSource, "\"\(match)\" does not exist in \(tree.sourceName) (or .dockerignore excludes it)")
            }
            switch node.kind {
            case .directory:
                if !destination.isEmpty { entries.add(entry(destination, node, spec, owner)) }
                try walk(real, into: destination, tree: tree, spec: spec, owner: owner, entries: &entries)
            case .regularFile:
                let target = intoDirectory ? CleanPath.join(destination, CleanPath.base(real)) : destination
                guard !target.isEmpty else {
                    throw XArchError(.invalidInput, "cannot copy the file \"\(match)\" onto the root directory; name a file or end the destination with /")
                }
                entries.add(entry(target, node, spec, owner))
            case .symbolicLink, .other:
                throw XArchError(.unsupported, "\"\(match)\" in \(tree.sourceName) is not a regular file or directory")
            }
        }
        if spec.writeParents {
            entries.addMissingParents(uid: owner.uid, gid: owner.gid)
        }
        return entries
    }

    /// Adds everything below `directory` (of the tree) under `target` (in the image).
    static func walk(_ directory: String, into target: String, tree: some SourceTree, spec: CopySpec,
                     owner: Ownership, entries: inout LayerEntries) throws {
        for name in try tree.children(of: directory) {
            let path = CleanPath.join(directory, name)
            guard let node = try tree.node(at: path) else { continue }
            let destination = CleanPath.join(target, name)
            switch node.kind {
            case .directory:
                entries.add(entry(destination, node, spec, owner))
                try walk(path, into: destination, tree: tree, spec: spec, owner: owner, entries: &entries)
            case .regularFile, .symbolicLink:
                entries.add(entry(destination, node, spec, owner))
            case .other:
                continue
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

extension XArchError.Code {
    /// A COPY or ADD source that is not in the build context (or is excluded by `.dockerignore`).
    public static let missingSource = XArchError.Code(rawValue: "missing-source")
}
