import XArchArchive
import XArchModel

extension OCILayout {
    /// Refuses to root `descriptor` in `index.json` while anything below it is missing: every manifest,
    /// config and layer it reaches (foreign layers with `urls` exempt; a `subject` need not be present,
    /// image-spec manifest.md "subject"). Called under the layout's lock, right before `index.json` is
    /// written, so a concurrent `collectGarbage` (which holds the same lock) either ran before — and
    /// what it removed is reported here — or runs after, and then finds the content reachable. A blob a
    /// copy skipped as present and a `layout gc` removed meanwhile therefore fails the write instead of
    /// leaving an index that names a missing blob (image-layout.md: content reachable from `index.json`
    /// must exist).
    func checkSubtreePresent(_ descriptor: Descriptor) throws {
        var seen = Set<Digest>()
        var pending = [(descriptor, 0)]
        while let (node, depth) = pending.popLast() {
            guard seen.insert(node.digest).inserted else { continue }
            if node.mediaType.isNonDistributable, !(node.urls ?? []).isEmpty { continue }
            guard try storedBlobSize(node.digest) != nil else {
                throw XArchError(.notFound, "layout \(path): \(node.digest), below \(descriptor.digest), is missing (removed meanwhile, e.g. by a concurrent xarch layout gc); index.json was left as it was — copy again")
            }
            guard node.mediaType.isManifest, depth <= ImageIndex.maximumNesting,
                  let bytes = try? POSIXFile.readFile(blobPath(node.digest), limit: ManifestDocument.maxSize, what: "manifest"),
                  let document = try? ManifestDocument(bytes: bytes, expected: node) else { continue }
            switch document.content {
            case .index(let index): pending += index.manifests.map { ($0, depth + 1) }
            case .image(let manifest): pending += ([manifest.config] + manifest.layers).map { ($0, depth + 1) }
            }
        }
    }
}
