/// Where an image is: on a registry (distribution spec; docker's reference grammar) or in an OCI image
/// layout on disk (image-layout.md).
///
/// Written forms, as skopeo writes transports:
/// - `docker://REFERENCE` or a plain `REFERENCE`: a registry reference in docker's grammar
///   (`alpine`, `localhost:5000/app:1.0`, `ghcr.io/o/r@sha256:…`); see `ImageReference`.
/// - `oci:PATH[:NAME][@DIGEST]`: an OCI image layout directory; see `LayoutReference`.
/// - `oci-archive:PATH[:NAME]` and `docker-archive:PATH[:NAME:TAG]`: an archive file; see `ArchiveReference`.
public enum ImageLocation: Hashable, Sendable, CustomStringConvertible {
    /// An image on a registry.
    case registry(ImageReference)
    /// An image in an OCI image layout directory.
    case layout(LayoutReference)
    /// An image in an `oci-archive` or `docker-archive` file.
    case archive(ArchiveReference)

    /// The transport prefixes xarch reads.
    public static let supportedTransports = ["docker://", "oci:", "oci-archive:", "docker-archive:"]

    /// skopeo's other transports (containers/image `transports/alltransports`), refused by name so that
    /// `docker-archive:x.tar` is not taken for the Docker Hub image `docker-archive` with tag `x.tar`.
    /// `docker:` (without `//`) is not among them: `docker:24-dind` is an image on Docker Hub.
    static let unsupportedTransports: Set<String> = [
        "docker-daemon", "containers-storage", "dir", "sif", "tarball", "ostree",
    ]

    /// Parses `docker://REFERENCE`, `oci:PATH[:NAME][@DIGEST]` or a plain registry reference.
    ///
    /// Text that starts with another transport (`docker-archive:`, `containers-storage:`, `dir:`, …) or
    /// with a URL scheme (`https://`) is refused with an error naming the supported transports; write
    /// `docker://dir:1.0` for a Docker Hub image that happens to share such a name.
    public init(parsing text: String) throws {
        if text.hasPrefix("docker://") {
            self = .registry(try ImageReference(parsing: String(text.dropFirst("docker://".count))))
        } else if text.hasPrefix("oci:") {
            self = .layout(try LayoutReference(parsingBody: text.dropFirst("oci:".count), input: text))
        } else if let format = ArchiveReference.Format.allCases.first(where: { text.hasPrefix($0.prefix) }) {
            self = .archive(try ArchiveReference(format, parsingBody: text.dropFirst(format.prefix.count), input: text))
        } else if let transport = Self.unsupportedTransport(in: text) {
            throw XArchError(.invalidInput, "unsupported transport \(ImageReference.Grammar.quote(transport)) in \(ImageReference.Grammar.quote(text)): use docker://REFERENCE (or a plain reference) for a registry, oci:PATH[:NAME][@DIGEST] for an OCI image layout, oci-archive:PATH[:NAME] or docker-archive:PATH[:NAME:TAG] for an archive file")
        } else {
            self = .registry(try ImageReference(parsing: text))
        }
    }

    /// The transport prefix of `text` when it is one xarch does not read: a known skopeo transport name
    /// followed by `:`, or a URL scheme followed by `://`.
    static func unsupportedTransport(in text: String) -> String? {
        if let separator = text.firstRange(of: "://") {
            let scheme = text[..<separator.lowerBound]
            let g = ImageReference.Grammar.self
            if let first = scheme.unicodeScalars.first, g.isAlphanumeric(first), !g.isDigit(first),
               scheme.unicodeScalars.allSatisfy({ g.isAlphanumeric($0) || $0 == "+" || $0 == "-" || $0 == "." }) {
                return scheme + "://"
            }
        }
        if let colon = text.firstIndex(of: ":"), unsupportedTransports.contains(String(text[..<colon])) {
            return text[..<colon] + ":"
        }
        return nil
    }

    /// The written form, which `init(parsing:)` reads back to this value: a registry reference in its
    /// fully-qualified form (prefixed with `docker://` only when it would otherwise read as another
    /// transport, as for a registry named `oci:5000`), or `oci:PATH[:NAME][@DIGEST]`.
    public var description: String {
        switch self {
        case .registry(let reference):
            let plain = reference.description
            let ambiguous = plain.hasPrefix("oci:") || Self.unsupportedTransport(in: plain) != nil
                || ArchiveReference.Format.allCases.contains { plain.hasPrefix($0.prefix) }
            return ambiguous ? "docker://" + plain : plain
        case .layout(let layout):
            return layout.description
        case .archive(let archive):
            return archive.description
        }
    }
}

extension ImageLocation {
    /// The digest the location pins, if any (`NAME@sha256:…`, `oci:PATH@sha256:…`).
    public var digest: Digest? {
        switch self {
        case .registry(let reference): reference.digest
        case .layout(let layout): layout.digest
        case .archive: nil
        }
    }
}
