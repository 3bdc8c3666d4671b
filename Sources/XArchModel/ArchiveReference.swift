/// An image in an archive file, written as skopeo's archive transports write it (containers/image
/// `oci/archive` and `docker/archive`):
///
/// - `oci-archive:PATH[:NAME]`: a tar of an OCI image layout (image-layout.md) whose files sit at the top
///   of the tar (`oci-layout`, `index.json`, `blobs/…`); `NAME` is an `org.opencontainers.image.ref.name`
///   annotation of its `index.json`, as for `oci:PATH:NAME`.
/// - `docker-archive:PATH[:NAME:TAG]`: the `docker save` format (`manifest.json` listing each image's
///   `Config`, `RepoTags` and `Layers`, plus `repositories`); `NAME:TAG` picks the image by its
///   `RepoTags` entry when reading and is recorded there when writing. One image per archive is written.
///
/// The path ends at the first `:` (skopeo's rule), so it contains none.
public struct ArchiveReference: Hashable, Sendable, CustomStringConvertible {
    /// The two archive formats.
    public enum Format: String, Hashable, Sendable, CaseIterable {
        /// A tar of an OCI image layout.
        case oci = "oci-archive"
        /// The `docker save` format.
        case docker = "docker-archive"

        /// The transport prefix, `oci-archive:` or `docker-archive:`.
        public var prefix: String { rawValue + ":" }
    }

    public let format: Format
    /// The archive file, relative or absolute, as written.
    public let path: String
    /// For `oci-archive`, the ref.name; nil when none was given.
    public let tag: String?
    /// For `docker-archive`, the image's name and tag (`NAME:TAG`, `latest` when only a name was given).
    public let name: ImageReference?

    /// Parses what follows `oci-archive:` or `docker-archive:`.
    init(_ format: Format, parsingBody body: Substring, input: String) throws {
        func fail(_ problem: String) -> XArchError {
            XArchError(.invalidInput, "invalid \(format.rawValue) reference \(ImageReference.Grammar.quote(input)): \(problem)")
        }
        var path = body
        var rest: Substring?
        if let colon = body.firstIndex(of: ":") {
            path = body[..<colon]
            rest = body[body.index(after: colon)...]
        }
        if path.isEmpty { throw fail("the archive path is empty; write \(format.prefix)PATH\(format == .oci ? "[:NAME]" : "[:NAME:TAG]")") }
        if path.unicodeScalars.contains("\0") { throw fail("the archive path contains a NUL character") }
        self.format = format
        self.path = String(path)
        guard let rest else {
            tag = nil
            name = nil
            return
        }
        if rest.isEmpty { throw fail("the name after the path is empty") }
        switch format {
        case .oci:
            if let problem = LayoutReference.tagProblem(rest) { throw fail(problem) }
            tag = String(rest)
            name = nil
        case .docker:
            let reference: ImageReference
            do {
                reference = try ImageReference(parsing: String(rest))
            } catch let error as XArchError {
                throw XArchError(.invalidInput, fail(error.message).message, cause: error)
            }
            guard reference.digest == nil else { throw fail("a docker-archive names its image NAME:TAG, not by digest") }
            tag = nil
            name = try ImageReference(registry: reference.registry, repository: reference.repository,
                                      tag: reference.tag ?? ImageReference.defaultTag)
        }
    }

    /// `oci-archive:PATH[:NAME]` or `docker-archive:PATH[:NAME:TAG]`, which `ImageLocation(parsing:)`
    /// reads back to this value.
    public var description: String {
        var text = format.prefix + path
        if let tag { text += ":" + tag }
        if let name { text += ":" + name.description }
        return text
    }
}
