import XArchModel

extension SpooledArchive {
    /// ADD's rule for hard links: each must point at a file that comes earlier in the same archive, by a
    /// relative name. BuildKit's unpack fails on a link to a missing target; GNU tar and umoci cannot
    /// unpack a layer holding one, and disagree on absolute targets (GNU tar strips the `/`, umoci
    /// refuses). Throws naming the entry and its target; the caller names the archive.
    func requireResolvableHardLinks() throws {
        var files = Set<String>()
        for entry in entries {
            switch entry.kind {
            case .regular:
                files.insert(entry.path)
            case .hardLink(let target):
                guard files.contains(target) else {
                    throw XArchError(.invalidInput, "the archive's hard link \(entry.path) points to \(target), which is not a file earlier in the archive; refusing to unpack it (BuildKit refuses it too)")
                }
                files.insert(entry.path)
            case .foreignHardLink(let raw):
                throw XArchError(.invalidInput, "the archive's hard link \(entry.path) points to \"\(raw)\", an absolute name or one outside the archive; refusing to unpack it (extractors disagree on such links)")
            case .directory, .symbolicLink, .other:
                files.remove(entry.path)
            }
        }
    }
}
