import XArchContent
import XArchModel

/// Manifests and indexes: blobs like any other (image-layout.md, "Blobs"), named from `index.json`
/// by tag or reached by digest (image-layout.md, "index.json file").
extension OCILayout {
    /// Reads a manifest or index with its exact bytes, validated (`ManifestDocument`): by tag through
    /// its `index.json` entry (see `RefName` for the matching rules; an unknown tag is an
    /// `XArchError(.notFound)` that lists the tags there are), or by digest, through the `index.json`
    /// entry with that digest when there is one and otherwise from the blob alone.
    public func manifest(_ reference: ManifestReference) async throws -> ManifestDocument {
        let index = try self.index()
        switch reference {
        case .tag(let tag):
            let entry = try Self.resolveTag(tag, in: index, layout: path)
            return try document(for: entry, named: "tag \"\(tag)\"")
        case .digest(let digest):
            if let entry = index.manifests.first(where: { $0.digest == digest }) {
                return try document(for: entry, named: "manifest \(digest)")
            }
            return try documentFromBlob(digest)
        }
    }

    /// The manifest of a layout whose `index.json` has exactly one entry, for a reference without
    /// `:TAG` or `@DIGEST` (as skopeo's `oci:PATH` reads it). No entry: "layout PATH is empty"; several:
    /// an error listing the tags and asking for one.
    public func defaultManifest() async throws -> ManifestDocument {
        let entry = try Self.onlyEntry(of: try index(), layout: "layout \(path)",
                                       naming: "oci:\(path):TAG or oci:\(path)@DIGEST")
        return try document(for: entry, named: "the only manifest")
    }

    /// The only entry of a layout's `index.json` (`layout` names the layout in messages, `naming` says
    /// how to name one of several).
    static func onlyEntry(of index: ImageIndex, layout: String, naming: String) throws -> Descriptor {
        switch index.manifests.count {
        case 0:
            throw XArchError(.notFound, "\(layout) is empty: its index.json lists no manifest")
        case 1:
            return index.manifests[0]
        default:
            let names = RefName.names(in: index)
            let untagged = index.manifests.filter { $0.annotations?[AnnotationKey.refName] == nil }.count
            var what = names.isEmpty ? "" : "tags \(names.joined(separator: ", "))"
            if untagged > 0 { what += (what.isEmpty ? "" : " and ") + "\(untagged) untagged" }
            throw XArchError(.invalidInput, "\(layout) holds \(index.manifests.count) manifests (\(what)); name one as \(naming)")
        }
    }

    /// The descriptor of a manifest, or nil when there is none: the `index.json` entry when there is
    /// one (nothing else is read); for a digest that is only a blob, the blob is read and parsed to
    /// learn its media type (manifests are small).
    public func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        let index = try self.index()
        switch reference {
        case .tag(let tag):
            guard !RefName.matches(tag, in: index).isEmpty else { return nil }
            return try Self.resolveTag(tag, in: index, layout: path)
        case .digest(let digest):
            if let entry = index.manifests.first(where: { $0.digest == digest }) { return entry }
            guard try storedBlobSize(digest) != nil else { return nil }
            return try documentFromBlob(digest).descriptor
        }
    }

    /// Stores a manifest's exact bytes as a blob (verified against `descriptor`, atomic) and, with a
    /// tag, records `descriptor` in `index.json` under it (see `addToIndex`), keeping the platform and
    /// annotations the caller gave. Without a tag only the blob is stored: the children of an index do
    /// not belong in `index.json` (use `addToIndex(_:tag:)` for an untagged root).
    ///
    /// The bytes must be a manifest or index xarch reads (`ManifestDocument`), so that what is stored
    /// can be read back, and its children (config and layers, or the manifests of an index) must be in
    /// the layout already, as image-layout.md requires of the content `index.json` reaches; foreign
    /// layers with `urls` are exempt.
    public func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws {
        if let tag { try RefName.validate(tag) }
        let document = try ManifestDocument(bytes: bytes, expected: descriptor)
        try checkChildrenPresent(of: document)
        try putBlobBytes(bytes, as: descriptor)
        guard let tag else { return }
        var entry = descriptor
        if entry.mediaType.essence != document.mediaType { entry.mediaType = document.mediaType }
        try updateIndex { index in
            try checkSubtreePresent(entry)
            Self.record(entry, tag: tag, in: &index)
            return true
        }
    }

    // MARK: - Helpers

    private func checkChildrenPresent(of document: ManifestDocument) throws {
        let children: [(kind: String, descriptor: Descriptor)]
        switch document.content {
        case .image(let manifest):
            let layers = manifest.layers.filter { !$0.mediaType.isNonDistributable || ($0.urls ?? []).isEmpty }
            children = [("config", manifest.config)] + layers.map { ("layer", $0) }
        case .index(let index):
            children = index.manifests.map { ("manifest", $0) }
        }
        for (kind, child) in children where try storedBlobSize(child.digest) != child.size {
            throw XArchError(.notFound, "cannot store manifest \(document.digest) in layout \(path): its \(kind) \(child.digest) (\(child.size) bytes) is not in the layout; store the children first")
        }
    }

    /// Reads and validates the manifest an `index.json` entry points at.
    func document(for entry: Descriptor, named what: String) throws -> ManifestDocument {
        guard entry.size <= Int64(ManifestDocument.maxSize) else {
            throw XArchError(.tooLarge, "\(what) in layout \(path) is \(entry.size) bytes, more than the \(ManifestDocument.maxSize)-byte limit for manifests")
        }
        // Read up to the cap, not up to entry.size: a longer file is then reported as a size mismatch.
        guard let bytes = try readSmallBlob(entry.digest, limit: ManifestDocument.maxSize) else {
            throw XArchError(.notFound, "\(what) of layout \(path) points at blob \(entry.digest), which is missing from the layout")
        }
        try checkStored(bytes, digest: entry.digest)
        do {
            return try ManifestDocument(bytes: bytes, expected: entry)
        } catch let error as XArchError {
            throw XArchError(error.code, "\(what) of layout \(path): \(error.message)", cause: error)
        }
    }

    /// Reads, parses and verifies a manifest known only by its digest.
    private func documentFromBlob(_ digest: Digest) throws -> ManifestDocument {
        guard let bytes = try readSmallBlob(digest, limit: ManifestDocument.maxSize) else {
            throw XArchError(.notFound, "manifest \(digest) is not in layout \(path)")
        }
        try checkStored(bytes, digest: digest)
        let document: ManifestDocument
        do {
            document = try ManifestDocument(bytes: bytes, declaredType: nil, digestAlgorithm: digest.algorithm)
        } catch let error as XArchError {
            throw XArchError(error.code, "blob \(digest) of layout \(path) is not a manifest xarch reads: \(error.message)", cause: error)
        }
        return document
    }

    /// Checks the bytes of a stored blob against its name before anything else is read into them, so
    /// a damaged file is reported as such rather than as a malformed manifest.
    private func checkStored(_ bytes: [UInt8], digest: Digest) throws {
        let actual = Digest.of(bytes, algorithm: digest.algorithm)
        guard actual == digest else {
            throw XArchError(.digestMismatch, "blob \(digest) in layout \(path) has digest \(actual): its file is corrupt")
        }
    }
}
