import XArchDockerfile
import XArchModel

/// `COPY` and `ADD` (Dockerfile reference, COPY and ADD): sources from the build context, an earlier
/// stage or an image (`--from`), or here-documents; `--chown`, `--chmod`, `--link`. Every COPY makes
/// one layer that does not depend on the layers below it — what `--link` asks for — so `--link` is
/// accepted and changes nothing. `ADD` of a URL or a git repository is refused: the build reads
/// nothing from the network but base images.
extension StageEvaluator {
    mutating func copy(_ instruction: Instruction, into state: inout StageState, stage: BuildStage) async throws {
        let isAdd = instruction.command == "add"
        try instruction.checkFlags(isAdd ? ["chown", "chmod", "link"] : ["from", "chown", "chmod", "link"])
        let env = state.environment
        guard instruction.arguments.count >= 2 || (!instruction.heredocs.isEmpty && instruction.arguments.count >= 1) else {
            throw instruction.fail("\(instruction.command.uppercased()) requires at least one source and a destination")
        }
        var words = try instruction.arguments.map { try expander.expand($0.value, env) }
        let rawDestination = words.removeLast()
        let destination = Self.destination(rawDestination, workdir: state.workingDirectory)
        var spec = CopySpec(sources: [], destination: destination.path, destinationIsDirectory: destination.isDirectory,
                            owner: try await owner(instruction, env, state: state, stage: stage), mode: try mode(instruction, env),
                            writeParents: state.knownFilesystem)
        var entries = LayerEntries()
        let lower = StageTree(name: "", state: state, base: nil)
        var fileSources: [String] = []
        for word in words {
            if let heredoc = heredoc(named: word, in: instruction) {
                entries.add(try heredocEntry(heredoc, spec: spec, count: words.count, env: env))
            } else if isAdd, Self.isRemote(word) {
                throw instruction.fail("ADD \(word): remote sources are not supported; download the file beforehand and COPY it, so the build reads nothing from the network", code: .unsupported)
            } else {
                fileSources.append(word)
            }
        }
        if !fileSources.isEmpty {
            spec.destinationIsDirectory = spec.destinationIsDirectory || words.count > 1
            let tree = try await tree(for: instruction, env: env, stage: stage, state: state)
            // One file copied to a path that is a directory in the image goes into it (as BuildKit
            // does), whether or not the destination ends with "/".
            if !spec.destinationIsDirectory, fileSources.count == 1, Self.namesOneFile(fileSources[0], in: tree),
               try await isDirectory(CleanPath.inside(destination.path), state: state, stage: stage) {
                spec.destinationIsDirectory = true
            }
            spec.sources = isAdd ? try await unpackArchives(fileSources, spec: spec, into: &entries, instruction) : fileSources
            do {
                if !spec.sources.isEmpty {
                    for entry in try CopyPlanner.entries(spec, from: tree, existing: lower.entry(at:)).sorted { entries.add(entry) }
                }
            } catch let error as XArchError where error.cause == nil {
                throw instruction.fail(error.message, code: error.code)
            }
        }
        if spec.writeParents {
            entries.addMissingParents(uid: spec.owner?.uid ?? 0, gid: spec.owner?.gid ?? 0, existing: lower.entry(at:))
        } else if !entries.isEmpty {
            try await keepBaseDirectories(&entries, destination: CleanPath.inside(destination.path), owner: spec.owner,
                                          state: state, stage: stage)
        }
        state.appendNew(entries, createdBy: instruction.original)
    }

    /// On a base image, directories the image has keep their metadata: a directory's contents copied
    /// into an existing directory leave that directory alone, and only the parents this COPY creates are
    /// written, for their --chown owner (without --chown, the 0755 root directories tar extraction makes
    /// are the same). Reads the base's file list when it matters.
    private func keepBaseDirectories(_ entries: inout LayerEntries, destination: String, owner: Ownership?,
                                     state: StageState, stage: BuildStage) async throws {
        var topIsDirectory = entries[destination]?.kind == .directory
        if topIsDirectory, let top = entries[destination], top.mode == 0o755, top.uid == 0, top.gid == 0 {
            // What an existing directory keeps and what extraction creates for a missing one: the same
            // either way, so the base need not be read.
            entries.remove(destination)
            topIsDirectory = false
        }
        guard topIsDirectory || (owner ?? .root) != .root else { return }
        let merged = StageTree(name: stage.displayName, state: state, base: try await baseListing(of: state))
        if topIsDirectory, let real = try merged.resolvingLinks(destination), try merged.node(at: real)?.kind == .directory {
            entries.remove(destination)
        }
        if let owner, owner != .root {
            try entries.addCreatedParents(uid: owner.uid, gid: owner.gid) { try merged.node(at: $0) != nil }
        }
    }

    /// Whether `source` matches exactly one regular file of `tree` (links followed).
    static func namesOneFile(_ source: String, in tree: any SourceTree) -> Bool {
        guard let found = try? tree.expand(source), found.count == 1,
              let real = try? tree.resolvingLinks(found[0]), let node = try? tree.node(at: real) else { return false }
        return node.kind == .regularFile
    }

    /// Whether `path` is a directory (or a link to one) in the stage's file system so far. On a base
    /// image this reads the base's file list (its layers, once per build), as only it can tell.
    private func isDirectory(_ path: String, state: StageState, stage: BuildStage) async throws -> Bool {
        if path.isEmpty { return true }
        let tree = StageTree(name: stage.displayName, state: state,
                             base: state.knownFilesystem ? nil : try await baseListing(of: state))
        guard let real = try tree.resolvingLinks(path), let node = try tree.node(at: real) else { return false }
        return node.kind == .directory
    }

    /// The build context, or the tree `--from` names (expanded in the stage's environment).
    private mutating func tree(for instruction: Instruction, env: [String: String], stage: BuildStage,
                               state: StageState) async throws -> any SourceTree {
        guard let from = instruction.flag("from")?.value else { return context }
        let reference = try expander.expand(from, env)
        guard !reference.isEmpty else { throw instruction.fail("--from expands to nothing") }
        return try await source(from: reference, stage: stage, state: state, instruction: instruction)
    }

    /// The destination in the image: relative paths start at the working directory; a trailing `/`,
    /// `.` or the working directory itself name a directory.
    static func destination(_ raw: String, workdir: String) -> (path: String, isDirectory: Bool) {
        let isDirectory = raw.hasSuffix("/") || raw == "." || raw.isEmpty || raw.hasSuffix("/.")
        let absolute = raw.hasPrefix("/") ? raw : workdir + "/" + raw
        return (CleanPath.clean(absolute), isDirectory)
    }

    /// `--chown=user[:group]`, expanded; names are looked up in the stage's own files (`OwnerLookup`).
    private func owner(_ instruction: Instruction, _ env: [String: String], state: StageState,
                       stage: BuildStage) async throws -> Ownership? {
        guard let raw = instruction.flag("chown")?.value else { return nil }
        let text = try expander.expand(raw, env)
        do {
            return try await OwnerLookup.resolve(text) {
                StageTree(name: stage.displayName, state: state, base: try await baseTree(of: state))
            }
        } catch let error as XArchError {
            throw instruction.fail(error.message, code: error.code)
        }
    }

    /// `--chmod=0755` (octal, up to four digits).
    private func mode(_ instruction: Instruction, _ env: [String: String]) throws -> UInt32? {
        guard let raw = instruction.flag("chmod")?.value else { return nil }
        let text = try expander.expand(raw, env)
        guard (1...4).contains(text.count), let value = UInt32(text, radix: 8), value <= 0o7777 else {
            throw instruction.fail("--chmod=\(text) is not an octal mode such as 755 or 0644")
        }
        return value
    }

    /// The here-document a source word names (`<<EOF`, `<<-EOF`).
    private func heredoc(named word: String, in instruction: Instruction) -> Heredoc? {
        guard word.hasPrefix("<<") else { return nil }
        let name = word.dropFirst(2).drop { $0 == "-" }.filter { $0 != "\"" && $0 != "'" }
        return instruction.heredocs.first { $0.name == String(name) }
    }

    /// A file made from a here-document (mode 0644, or `--chmod`).
    private func heredocEntry(_ heredoc: Heredoc, spec: CopySpec, count: Int,
                              env: [String: String]) throws -> LayerEntry {
        let content = heredoc.effectiveContent
        let body = heredoc.expand ? try expander.expand(content, env) : content
        let intoDirectory = spec.destinationIsDirectory || count > 1
        let path = CleanPath.inside(intoDirectory ? CleanPath.join(spec.destination, heredoc.name) : spec.destination)
        let owner = spec.owner ?? .root
        return LayerEntry(path: path, kind: .regularFile, mode: spec.mode ?? 0o644, uid: owner.uid, gid: owner.gid,
                          size: Int64(body.utf8.count), content: .bytes(Array(body.utf8)))
    }

    static func isRemote(_ source: String) -> Bool {
        let lowered = source.lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("git@")
            || lowered.hasPrefix("git://") || lowered.hasSuffix(".git") && lowered.contains("://")
    }

    /// `ADD`: sources that are local tar archives (plain, gzip or zstd; recognized by content) are
    /// unpacked into the destination directory, their modes kept and owned by 0:0 (or `--chown`); the
    /// other sources are returned, to be copied as they are.
    private func unpackArchives(_ sources: [String], spec: CopySpec, into entries: inout LayerEntries,
                                _ instruction: Instruction) async throws -> [String] {
        var rest: [String] = []
        for source in sources {
            let matches = try context.expand(source)
            if matches.isEmpty { rest.append(source) }
            for match in matches {
                guard let real = try context.resolvingLinks(match), let node = try context.node(at: real),
                      case .file(let path) = node.content, let kind = try await sniff(path, match, instruction) else {
                    rest.append(GlobPattern.escape(match))
                    continue
                }
                if case .unsupported(let format) = kind {
                    throw instruction.fail("ADD \(match): \(format)-compressed archives are not unpacked by xarch build; decompress it into a plain or gzip tar", code: .unsupported)
                }
                let archive: SpooledArchive
                do {
                    archive = try await spool.archive(path, kind: kind, name: "ADD \(match)")
                } catch let error as XArchError {
                    throw instruction.fail(error.message, code: error.code)
                }
                do {
                    try archive.requireResolvableHardLinks()
                } catch let error as XArchError {
                    throw instruction.fail("ADD \(match): \(error.message)", code: error.code)
                }
                for entry in archive.entries {
                    if let unpacked = Self.unpacked(entry, from: archive, spec: spec) { entries.add(unpacked) }
                }
            }
        }
        return rest
    }

    /// `ArchiveSniffer.kind`; a failure to read the file (a decompression bomb) is this ADD's error,
    /// never a reason to copy the archive as it is.
    private func sniff(_ path: String, _ match: String, _ instruction: Instruction) async throws -> ArchiveSniffer.Kind? {
        do {
            return try await ArchiveSniffer.kind(path)
        } catch let error as XArchError {
            throw instruction.fail("ADD \(match): \(error.message)", code: error.code)
        }
    }

    /// An archive entry placed under the destination directory; nil for devices and FIFOs, which a
    /// layer written without privileges does not hold.
    static func unpacked(_ entry: SpooledArchive.Entry, from archive: SpooledArchive, spec: CopySpec) -> LayerEntry? {
        let path = CleanPath.inside(CleanPath.join(spec.destination, entry.path))
        let owner = spec.owner ?? .root
        var result = LayerEntry(path: path, kind: .directory, mode: entry.mode, uid: owner.uid, gid: owner.gid)
        switch entry.kind {
        case .regular:
            result.kind = .regularFile
            result.size = entry.size
            result.content = .fileRange(path: archive.file, offset: entry.offset)
        case .directory:
            break
        case .other, .foreignHardLink:
            return nil
        case .symbolicLink(let target):
            result.kind = .symbolicLink(target: target)
            result.mode = 0o777
        case .hardLink(let target):
            result.kind = .hardLink(target: CleanPath.inside(CleanPath.join(spec.destination, target)))
        }
        return result
    }
}
