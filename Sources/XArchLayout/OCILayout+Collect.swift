#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchArchive
import XArchModel

/// What `xarch layout gc` removed from a layout, or would remove with `--dry-run`.
public struct LayoutCollection: Sendable, Hashable, Codable {
    /// One removed file.
    public struct Removed: Sendable, Hashable, Codable {
        /// `sha256:…` for a blob; the file name for a temporary file.
        public var name: String
        public var size: Int64
    }

    public var layout: String
    public var dryRun: Bool
    /// Blobs reachable from `index.json`, kept.
    public var blobsKept: Int
    /// Blobs no manifest reachable from `index.json` names.
    public var blobs: [Removed]
    /// `.tmp-*` files of writers that died (no live writer holds them).
    public var temporaryFiles: [Removed]
    public var bytes: Int64 { (blobs + temporaryFiles).reduce(0) { $0 + $1.size } }
}

extension OCILayout {
    /// The `.tmp-*` files that a dead writer left (image-layout.md has no such files: they are xarch's
    /// crash leftovers, see `TempFile`): no live writer holds their lock, and they were last written
    /// more than `grace` seconds ago (so a file created an instant before its writer locks it is
    /// spared). Paths with sizes, not removed.
    public func staleTemporaryFiles(grace: Double = 10) throws -> [(path: String, size: Int64)] {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var directories = [path]
        for alg in try POSIXFile.directoryEntries(blobsPath) ?? [] where !alg.hasPrefix(".") {
            directories.append("\(blobsPath)/\(alg)")
        }
        var stale: [(path: String, size: Int64)] = []
        for dir in directories {
            for name in try POSIXFile.directoryEntries(dir) ?? [] where name.hasPrefix(TempFile.prefix) {
                let file = "\(dir)/\(name)"
                guard let st = try POSIXFile.status(file), POSIXFile.isRegular(st),
                      Double(now.tv_sec) - Double(modificationSeconds(st)) >= grace, !isLockedByAWriter(file) else { continue }
                stale.append((file, Int64(st.st_size)))
            }
        }
        return stale
    }

    /// Removes what `staleTemporaryFiles(grace:)` finds; returns how many went. Called when a layout is
    /// opened for writing, so killed copies and builds do not pile up partial blobs.
    @discardableResult
    public func reclaimTemporaryFiles(grace: Double = 10) throws -> Int {
        let stale = try staleTemporaryFiles(grace: grace)
        for file in stale { try POSIXFile.removeIfPresent(file.path) }
        return stale.count
    }

    /// Removes the blobs that nothing reachable from `index.json` names (its entries, the manifests and
    /// indexes below them up to `ImageIndex.maximumNesting`, their configs, layers and subjects) and the
    /// stale temporary files, under the layout's lock so that no `index.json` update interleaves.
    /// Blobs younger than `grace` seconds are kept: a writer may be about to name them in `index.json`.
    /// With `dryRun` nothing is removed.
    public func collectGarbage(dryRun: Bool, grace: Double = 60) throws -> LayoutCollection {
        try FileLock.withExclusiveLock(on: path) {
            let reachable = try reachableDigests()
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            var unreferenced: [LayoutCollection.Removed] = []
            var kept = 0
            for alg in try POSIXFile.directoryEntries(blobsPath) ?? [] where !alg.hasPrefix(".") {
                for name in try POSIXFile.directoryEntries("\(blobsPath)/\(alg)") ?? [] where !name.hasPrefix(".") {
                    // Only files named as blobs are judged; anything else is not the layout's.
                    guard let digest = try? Digest(parsing: "\(alg):\(name)"),
                          let st = try POSIXFile.status(blobPath(digest)), POSIXFile.isRegular(st) else { continue }
                    if reachable.contains(digest) || Double(now.tv_sec) - Double(modificationSeconds(st)) < grace {
                        kept += 1
                    } else {
                        unreferenced.append(.init(name: digest.description, size: Int64(st.st_size)))
                    }
                }
            }
            let stale = try staleTemporaryFiles(grace: min(grace, 10))
            if !dryRun {
                for blob in unreferenced { try POSIXFile.removeIfPresent(blobPath(try Digest(parsing: blob.name))) }
                for file in stale { try POSIXFile.removeIfPresent(file.path) }
            }
            return LayoutCollection(layout: path, dryRun: dryRun, blobsKept: kept,
                                    blobs: unreferenced.sorted { $0.name < $1.name },
                                    temporaryFiles: stale.map { .init(name: String($0.path.dropFirst(path.count + 1)), size: $0.size) }
                                        .sorted { $0.name < $1.name })
        }
    }

    /// Every digest named from `index.json` down. A manifest that is missing or does not parse keeps
    /// only itself (nothing is removed for a reason xarch cannot read).
    func reachableDigests() throws -> Set<Digest> {
        var seen = Set<Digest>()
        var pending = try index().manifests.map { ($0, 0) }
        while let (descriptor, depth) = pending.popLast() {
            guard seen.insert(descriptor.digest).inserted, descriptor.mediaType.isManifest,
                  depth <= ImageIndex.maximumNesting,
                  let bytes = try? POSIXFile.readFile(blobPath(descriptor.digest), limit: ManifestDocument.maxSize, what: "manifest"),
                  let document = try? ManifestDocument(bytes: bytes, expected: descriptor) else { continue }
            switch document.content {
            case .index(let index):
                pending += index.manifests.map { ($0, depth + 1) }
                if let subject = index.subject { pending.append((subject, depth + 1)) }
            case .image(let manifest):
                pending += ([manifest.config] + manifest.layers + [manifest.subject].compactMap { $0 }).map { ($0, depth + 1) }
            }
        }
        return seen
    }

    /// Whether a live writer holds `file`'s lock (`TempFile` keeps it while writing).
    private func isLockedByAWriter(_ file: String) -> Bool {
        guard let fd = try? POSIXFile.open(file, O_RDONLY | O_NONBLOCK | O_NOFOLLOW) else { return true }
        defer { POSIXFile.closeQuietly(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            _ = flock(fd, LOCK_UN)
            return false
        }
        return true
    }
}
