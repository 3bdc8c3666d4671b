/// A registry image reference in docker's normalized form: `registry/repository[:tag][@digest]`.
///
/// Parsing follows distribution/reference's `ParseNormalizedNamed` (normalize.go) over the grammar of
/// reference.go: `alpine` is `docker.io/library/alpine`, `index.docker.io` becomes `docker.io`, and a tag
/// and a digest may be given together. Every value is normalized (`docker.io/alpine` and `alpine` are
/// equal); `alpine` and `alpine:latest` name the same image but differ in `tag`, so compare `description`
/// or `tagOrDigest` when that matters.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// The registry of names without one: Docker Hub, as distribution/reference names it.
    public static let defaultRegistry = "docker.io"
    /// Docker Hub's legacy name ("the Docker Index"), normalized to `docker.io`.
    public static let legacyDefaultRegistry = "index.docker.io"
    /// The namespace of Docker Hub's official images: `alpine` is `docker.io/library/alpine`.
    public static let officialRepositoryPrefix = "library/"
    /// The tag meant when neither a tag nor a digest is given.
    public static let defaultTag = "latest"

    /// The registry host with an optional port, as written: `docker.io`, `ghcr.io`, `localhost:5000`,
    /// `[::1]:5000`. Docker keeps uppercase host names as written, and so does xarch.
    public let registry: String
    /// The repository path on the registry, lowercase: `library/alpine`, `o/r`.
    public let repository: String
    /// The tag, if one was given (`nil` for `alpine`, although it means `latest`).
    public let tag: String?
    /// The digest, if one was given.
    public let digest: Digest?

    /// Builds a reference from its parts, normalized and validated as `init(parsing:)` does:
    /// `index.docker.io` becomes `docker.io`, and a one-component Docker Hub repository gets `library/`.
    ///
    /// The registry must be one that docker would read as a registry in front of a path (it contains "."
    /// or ":", is `localhost`, or has an uppercase letter); otherwise `myhost/app` would name the Docker
    /// Hub repository `myhost/app`.
    public init(registry: String = ImageReference.defaultRegistry, repository: String, tag: String? = nil, digest: Digest? = nil) throws {
        let written = Grammar.quote("\(registry)/\(repository)")
        func fail(_ problem: String) -> XArchError {
            XArchError(.invalidInput, "invalid image reference \(written): \(problem)")
        }
        if let problem = Grammar.registryProblem(registry[...]) { throw fail(problem) }
        guard Grammar.looksLikeRegistry(registry) else {
            throw fail("registry \(Grammar.quote(registry)) would be read as a Docker Hub namespace; a registry contains \".\" or \":PORT\", or is \"localhost\"")
        }
        let host = registry == Self.legacyDefaultRegistry ? Self.defaultRegistry : registry
        let path = Self.normalizedRepository(repository, registry: host)
        if let problem = Grammar.repositoryProblem(path) { throw fail(problem) }
        if let tag, let problem = Grammar.tagProblem(tag) { throw fail(problem) }
        self.init(unchecked: host, path, tag, digest)
    }

    init(unchecked registry: String, _ repository: String, _ tag: String?, _ digest: Digest?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Adds `library/` to a one-component Docker Hub repository (normalize.go, `splitDockerDomain`).
    static func normalizedRepository(_ path: String, registry: String) -> String {
        registry == defaultRegistry && !path.isEmpty && !path.contains("/") ? officialRepositoryPrefix + path : path
    }

    /// `registry/repository`, the name a registry API call and a token scope use.
    public var name: String { "\(registry)/\(repository)" }

    /// What to fetch the manifest by: the digest when there is one (it pins the content, as
    /// distribution/reference's `ParseDockerRef` prefers it), else the tag, else `latest`.
    public var tagOrDigest: String { digest?.description ?? tag ?? Self.defaultTag }

    /// The fully-qualified form, `docker.io/library/alpine:latest`: `latest` is added only when neither
    /// a tag nor a digest is given (distribution/reference `TagNameOnly`). Parsing it gives this value back,
    /// with `latest` as an explicit tag.
    public var description: String {
        var text = name
        if let tag {
            text += ":" + tag
        } else if digest == nil {
            text += ":" + Self.defaultTag
        }
        if let digest { text += "@" + digest.description }
        return text
    }

    /// The short name docker shows (distribution/reference `FamiliarName`): `docker.io/` dropped, and
    /// `library/` dropped when one component follows it. `docker.io/library/alpine` is `alpine`,
    /// `docker.io/o/r` is `o/r`, `ghcr.io/o/r` stays as it is. Unlike docker, `library/` is kept before a
    /// 64-character hex name, which alone would read as an image ID.
    public var familiarName: String {
        guard registry == Self.defaultRegistry else { return name }
        let prefix = Self.officialRepositoryPrefix
        if repository.hasPrefix(prefix), !repository.dropFirst(prefix.count).contains("/") {
            let short = String(repository.dropFirst(prefix.count))
            return Grammar.isImageID(short) ? repository : short
        }
        return repository
    }

    /// The short form docker prints (distribution/reference `FamiliarString`): the familiar name with the
    /// tag and digest as given, no `latest` added: `alpine`, `alpine:3.19`, `o/r@sha256:…`.
    /// Parsing it gives this value back.
    public var familiar: String {
        var text = familiarName
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest.description }
        return text
    }

    /// Whether the registry host is a loopback address: `localhost` (any case), an IPv4 address
    /// `127.x.x.x`, or the IPv6 address `::1` in any spelling. The design lets such registries be plain HTTP.
    public var isLoopback: Bool { Self.isLoopbackRegistry(registry) }

    /// The same reference with `tag` (or without a tag, for `nil`); the digest is kept.
    public func with(tag: String?) throws -> ImageReference {
        if let tag, let problem = Grammar.tagProblem(tag) {
            throw XArchError(.invalidInput, "cannot tag \(Grammar.quote(name)) with \(Grammar.quote(tag)): \(problem)")
        }
        return ImageReference(unchecked: registry, repository, tag, digest)
    }

    /// The same reference with `digest` (or without one, for `nil`); the tag is kept.
    public func with(digest: Digest?) -> ImageReference {
        ImageReference(unchecked: registry, repository, tag, digest)
    }
}
