/// An image in an OCI image layout directory (OCI image spec, image-layout.md), written as skopeo's `oci:`
/// transport writes it: `oci:PATH[:NAME][@DIGEST]`.
///
/// `tag` is the image's `org.opencontainers.image.ref.name` annotation in `index.json` (image spec,
/// annotations.md), whose grammar is wider than a docker tag:
///
///     ref       ::= component ("/" component)*
///     component ::= alphanum (separator alphanum)*
///     alphanum  ::= [A-Za-z0-9]+
///     separator ::= [-._:@+] | "--"
///
/// so `oci:out:docker.io/library/alpine:3.19` names the image `docker.io/library/alpine:3.19` in `out`.
/// Neither a tag nor a digest means the layout's only image; there is no default tag.
public struct LayoutReference: Hashable, Sendable, CustomStringConvertible {
    /// The layout directory, relative or absolute, as written. It contains no `:`.
    public let path: String
    /// The `org.opencontainers.image.ref.name` of the image, if one was given.
    public let tag: String?
    /// The digest of the image's manifest or index, if one was given.
    public let digest: Digest?

    /// Builds a layout reference from its parts, validated so that `description` parses back to it:
    /// the path is not empty, has no `:` and does not start with `//`; the tag follows the ref.name grammar
    /// and does not end in `@ALGORITHM:…`, which would read as a digest.
    public init(path: String, tag: String? = nil, digest: Digest? = nil) throws {
        func fail(_ problem: String) -> XArchError {
            XArchError(.invalidInput, "invalid OCI layout reference for path \(ImageReference.Grammar.quote(path)): \(problem)")
        }
        if let problem = Self.pathProblem(path[...]) { throw fail(problem) }
        if path.contains(":") {
            throw fail("the path contains \":\", which in oci:PATH:NAME separates the image name (as in skopeo)")
        }
        if let tag {
            if let problem = Self.tagProblem(tag[...]) { throw fail(problem) }
            if Self.splitDigest(tag[...]).digest != nil {
                throw fail("the tag \(ImageReference.Grammar.quote(tag)) ends in what reads as \"@DIGEST\"; pass the digest separately")
            }
        }
        self.init(unchecked: path, tag, digest)
    }

    init(unchecked path: String, _ tag: String?, _ digest: Digest?) {
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    /// `oci:PATH[:TAG][@DIGEST]`, which `ImageLocation(parsing:)` reads back to this value.
    public var description: String {
        var text = "oci:" + path
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest.description }
        return text
    }

    /// Parses what follows `oci:`. The digest is the text after the last `@` when it contains `:` and no
    /// `/`; of the rest, the first `:` ends the path (skopeo's rule on Unix, containers/image
    /// `oci/internal.SplitPathAndImage`), and what follows is the image name.
    init(parsingBody body: Substring, input: String) throws {
        func fail(_ problem: String) -> XArchError {
            XArchError(.invalidInput, "invalid OCI layout reference \(ImageReference.Grammar.quote(input)): \(problem)")
        }
        let (head, digestText) = Self.splitDigest(body)
        var path = head
        var tag: Substring?
        if let colon = head.firstIndex(of: ":") {
            path = head[..<colon]
            tag = head[head.index(after: colon)...]
        }
        if let problem = Self.pathProblem(path) { throw fail(problem) }
        if let tag {
            if tag.isEmpty { throw fail("the image name after the path is empty; write oci:PATH or oci:PATH:NAME") }
            if let problem = Self.tagProblem(tag) { throw fail(problem) }
        }
        var digest: Digest?
        if let digestText {
            do {
                digest = try Digest(parsing: String(digestText))
            } catch let error as XArchError {
                throw XArchError(.invalidInput, fail(error.message).message, cause: error)
            }
        }
        self.init(unchecked: String(path), tag.map(String.init), digest)
    }

    /// Splits `text@ALGORITHM:ENCODED` at the last `@` when what follows contains `:` and no `/`.
    static func splitDigest(_ text: Substring) -> (head: Substring, digest: Substring?) {
        guard let at = text.lastIndex(of: "@") else { return (text, nil) }
        let suffix = text[text.index(after: at)...]
        guard suffix.contains(":"), !suffix.contains("/") else { return (text, nil) }
        return (text[..<at], suffix)
    }

    static func pathProblem(_ path: Substring) -> String? {
        if path.isEmpty { return "the layout path is empty; write oci:PATH[:NAME][@DIGEST]" }
        if path.hasPrefix("//") { return "write oci:PATH (oci:/abs/dir or oci:rel/dir), not a URL such as oci://PATH" }
        if path.unicodeScalars.contains("\0") { return "the layout path contains a NUL character" }
        return nil
    }

    /// Checks the `org.opencontainers.image.ref.name` grammar (image spec, annotations.md).
    static func tagProblem(_ tag: Substring) -> String? {
        let g = ImageReference.Grammar.self
        let separators: Set<Unicode.Scalar> = ["-", ".", "_", ":", "@", "+"]
        let valid = tag.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { component in
            let scalars = Array(component.unicodeScalars)
            guard let first = scalars.first, let last = scalars.last, g.isAlphanumeric(first), g.isAlphanumeric(last) else {
                return false
            }
            var i = 0
            while i < scalars.count {
                if g.isAlphanumeric(scalars[i]) { i += 1; continue }
                guard separators.contains(scalars[i]) else { return false }
                // One separator, or "--"; either must be followed by a letter or digit.
                let width = scalars[i] == "-" && i + 1 < scalars.count && scalars[i + 1] == "-" ? 2 : 1
                i += width
                guard i < scalars.count, g.isAlphanumeric(scalars[i]) else { return false }
            }
            return true
        }
        if valid { return nil }
        return "image name \(g.quote(tag)) is not a valid org.opencontainers.image.ref.name (letters and digits, joined by one of \"-._:@+\", by \"--\" or by \"/\")"
    }
}
