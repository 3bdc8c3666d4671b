import XArchArchive
import XArchContent
import XArchModel

/// `index.json`: image-layout.md, "index.json file". It is an image index whose entries are the roots of
/// the layout, tagged by `org.opencontainers.image.ref.name` (see `RefName` for how tags are matched).
///
/// Changes are read-modify-write under an exclusive `flock` on the layout directory (`FileLock`), and
/// the new document replaces the old by an atomic rename (`AtomicFile`), so concurrent writers in any
/// number of processes lose nothing and readers, which take no lock, always see a whole document.
/// Unknown fields of the index and of its entries are kept (`ImageIndex`/`Descriptor.unknownFields`);
/// the document is written by `CanonicalJSON`.
extension OCILayout {
    /// Reads and parses `index.json`.
    public func index() throws -> ImageIndex {
        let what = "index.json of layout \(path)"
        let bytes: [UInt8]
        do {
            bytes = try POSIXFile.readFile(indexPath, limit: Self.maxIndexSize, what: what)
        } catch let error as XArchError where error.code == .notFound {
            throw XArchError(.invalidInput, "\(path) is not a complete OCI image layout: it has no index.json")
        }
        return try CanonicalJSON.decode(ImageIndex.self, from: bytes, what: what)
    }

    /// The tags of the layout: the sorted, unique `ref.name` annotations of `index.json`, as stored.
    public func tags() async throws -> [String] { RefName.names(in: try index()) }

    /// Records `descriptor` as a root of the layout (image-layout.md, "index.json file"), under `tag` or
    /// untagged. Its blob must already be in the layout.
    ///
    /// With a tag, entries that carry the same name are removed first (a tag names one manifest; as
    /// umoci does, and as skopeo does except that skopeo keeps the old entry without its name), and an
    /// untagged entry for the same digest is dropped, since the tagged one now roots it. Without a tag,
    /// an untagged entry for the same digest is replaced in place, never duplicated.
    public func addToIndex(_ descriptor: Descriptor, tag: String?) throws {
        if let tag { try RefName.validate(tag) }
        guard try storedBlobSize(descriptor.digest) == descriptor.size else {
            throw XArchError(.notFound, "cannot add \(descriptor.digest) to index.json of layout \(path): its blob of \(descriptor.size) bytes is not in the layout; store the manifest first")
        }
        try updateIndex { index in
            try checkSubtreePresent(descriptor)
            Self.record(descriptor, tag: tag, in: &index)
            return true
        }
    }

    /// Removes a manifest from `index.json` (image-layout.md, "index.json file"): `.tag` removes the
    /// entries with that name (matched as `manifest(.tag)` matches), `.digest` every entry with that
    /// digest. The blobs stay: garbage collection of unreferenced blobs is out of scope of this store.
    public func deleteManifest(_ reference: ManifestReference) async throws {
        try updateIndex { index in
            let before = index.manifests.count
            switch reference {
            case .digest(let digest):
                index.manifests.removeAll { $0.digest == digest }
                guard index.manifests.count < before else {
                    throw XArchError(.notFound, "manifest \(digest) is not in index.json of layout \(path)")
                }
            case .tag(let tag):
                _ = try Self.resolveTag(tag, in: index, layout: path)  // unknown or ambiguous: throws
                let exact = !RefName.exactMatches(tag, in: index).isEmpty
                index.manifests.removeAll { entry in
                    guard let name = entry.annotations?[AnnotationKey.refName] else { return false }
                    return exact ? name == tag : RefName.tag(ofReference: name) == tag
                }
            }
            return true
        }
    }

    /// Applies `change` to `index.json` under the layout's exclusive lock and writes the result
    /// atomically when `change` returns true. `change` runs without suspending (see `FileLock`).
    func updateIndex(_ change: (inout ImageIndex) throws -> Bool) throws {
        try FileLock.withExclusiveLock(on: path) {
            var index = try self.index()
            guard try change(&index) else { return }
            let bytes = try CanonicalJSON.encode(index)
            try AtomicFile.write(bytes, to: indexPath, in: path)
        }
    }

    /// The entry a tag names: see `RefName` for the rules; an unknown tag is an error listing the tags
    /// that exist, an ambiguous full-reference match an error listing the candidates.
    static func resolveTag(_ tag: String, in index: ImageIndex, layout: String) throws -> Descriptor {
        let found = RefName.matches(tag, in: index)
        guard let first = found.first else {
            let names = RefName.names(in: index)
            let known = names.isEmpty ? "it has no tags" : "its tags are: \(names.joined(separator: ", "))"
            throw XArchError(.notFound, "tag \"\(tag)\" is not in layout \(layout); \(known)")
        }
        let exact = first.annotations?[AnnotationKey.refName] == tag
        if !exact, Set(found.map(\.digest)).count > 1 {
            let names = found.compactMap { $0.annotations?[AnnotationKey.refName] }
            throw XArchError(.invalidInput, "tag \"\(tag)\" is ambiguous in layout \(layout): it is the tag of \(names.joined(separator: ", ")); use the full name")
        }
        return first
    }

    /// The index with `descriptor` recorded under `tag` (or untagged), by the rules of `addToIndex`.
    static func record(_ descriptor: Descriptor, tag: String?, in index: inout ImageIndex) {
        var entry = descriptor
        var annotations = entry.annotations ?? [:]
        annotations[AnnotationKey.refName] = tag
        entry.annotations = annotations.isEmpty ? nil : annotations
        let isUntagged: (Descriptor) -> Bool = { $0.annotations?[AnnotationKey.refName] == nil }
        if let tag {
            index.manifests.removeAll { $0.annotations?[AnnotationKey.refName] == tag }
            index.manifests.removeAll { $0.digest == descriptor.digest && isUntagged($0) }
            index.manifests.append(entry)
        } else {
            let same: (Descriptor) -> Bool = { $0.digest == descriptor.digest && isUntagged($0) }
            let position = index.manifests.firstIndex(where: same) ?? index.manifests.endIndex
            index.manifests.removeAll(where: same)
            index.manifests.insert(entry, at: min(position, index.manifests.count))
        }
    }
}
