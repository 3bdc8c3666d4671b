extension ImageReference {
    /// Parses a reference the way docker does (distribution/reference `ParseNormalizedNamed` in
    /// normalize.go, grammar in reference.go and regexp.go).
    ///
    /// - The text before the first `@` is the name and tag, the rest the digest (`sha256` or `sha512`).
    /// - The last `:` of the name starts the tag when no `/` follows it, so `localhost:5000/app` has no tag.
    /// - The first path component is the registry when there is a `/` after it and it is `localhost`,
    ///   contains `.` or `:`, or contains an uppercase letter; otherwise the registry is `docker.io`.
    ///   So `localhost:5000` alone is the Docker Hub image `library/localhost` with tag `5000`, as in docker.
    /// - `index.docker.io` becomes `docker.io`, and a one-component Docker Hub name gets `library/`.
    /// - The repository is lowercase path components, at most 255 characters after normalization; a tag
    ///   is `[\w][\w.-]{0,127}`; a 64-character hex string alone is refused as an image ID.
    ///
    /// Throws `XArchError(.invalidInput)` with one sentence naming the offending part.
    public init(parsing text: String) throws {
        func fail(_ problem: String) -> XArchError {
            XArchError(.invalidInput, "invalid reference \(Grammar.quote(text)): \(problem)")
        }
        if text.isEmpty { throw fail("it is empty; expected [REGISTRY/]REPOSITORY[:TAG][@DIGEST]") }
        if Grammar.isImageID(text) {
            throw fail("a 64-character hexadecimal string is an image ID, not a repository name")
        }
        let parts = Self.splitTagAndDigest(text)
        if parts.name.isEmpty { throw fail("the repository name is missing") }
        let (registryText, path) = Self.splitRegistry(parts.name)
        if let registryText, let problem = Grammar.registryProblem(registryText) { throw fail(problem) }
        if registryText == nil, path.hasPrefix("[") {
            throw fail("an IPv6 registry needs a repository after it, as in [::1]:5000/REPOSITORY")
        }
        if let registryText, path.isEmpty {
            throw fail("the repository name after registry \(Grammar.quote(registryText)) is missing")
        }
        var registry = registryText.map(String.init) ?? Self.defaultRegistry
        if registry == Self.legacyDefaultRegistry { registry = Self.defaultRegistry }
        let repository = Self.normalizedRepository(String(path), registry: registry)
        if let problem = Grammar.repositoryProblem(repository) { throw fail(problem) }
        if let tag = parts.tag, let problem = Grammar.tagProblem(tag) { throw fail(problem) }
        var digest: Digest?
        if let digestText = parts.digest {
            if digestText.isEmpty { throw fail("the digest after \"@\" is empty") }
            do {
                digest = try Digest(parsing: String(digestText))
            } catch let error as XArchError {
                throw XArchError(.invalidInput, fail(error.message).message, cause: error)
            }
        }
        self.init(unchecked: registry, repository, parts.tag.map(String.init), digest)
    }

    /// Splits `name[:tag][@digest]`: the digest after the first `@`, the tag after the last `:` of what
    /// remains when no `/` follows that `:` (a `:` followed by `/` belongs to a registry port).
    static func splitTagAndDigest(_ text: String) -> (name: Substring, tag: Substring?, digest: Substring?) {
        var nameAndTag = text[...]
        var digest: Substring?
        if let at = text.firstIndex(of: "@") {
            nameAndTag = text[..<at]
            digest = text[text.index(after: at)...]
        }
        if let colon = nameAndTag.lastIndex(of: ":"), !nameAndTag[colon...].contains("/") {
            return (nameAndTag[..<colon], nameAndTag[nameAndTag.index(after: colon)...], digest)
        }
        return (nameAndTag, nil, digest)
    }

    /// Splits off the registry when the first component reads as one (normalize.go, `splitDockerDomain`);
    /// the registry is `nil` for a Docker Hub name.
    static func splitRegistry(_ name: Substring) -> (registry: Substring?, path: Substring) {
        guard let slash = name.firstIndex(of: "/") else { return (nil, name) }
        let first = name[..<slash]
        guard Grammar.looksLikeRegistry(first) else { return (nil, name) }
        return (first, name[name.index(after: slash)...])
    }
}
