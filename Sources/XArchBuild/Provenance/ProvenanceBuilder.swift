import Foundation
import XArchArchive
import XArchModel

/// Says, for `xarch build --provenance`, how each platform's image was built: one
/// `ProvenanceStatement` per platform, SLSA Provenance v1 (slsa.dev/spec/v1.0/provenance).
///
/// - `buildDefinition.buildType` is `buildType`; `externalParameters` hold the Dockerfile (path and
///   digest) and the request (platform, `--target`, build arguments, labels, secret ids);
///   `internalParameters` hold `BUILDPLATFORM`, `SOURCE_DATE_EPOCH` and the layer compression.
/// - `resolvedDependencies` are the base images (FROM, COPY --from, RUN --mount from=) resolved for
///   the platform or for `BUILDPLATFORM`: `pkg:docker/NAME@TAG?platform=…` (or the `oci:` name of a
///   layout) with the digest the name resolved to and, as an annotation, the platform's manifest;
///   then the context's git commit (`gitCommit`) and `origin` remote when the context is a git checkout.
/// - `runDetails.builder` is `--builder-id` (default `defaultBuilderID`) with xarch's version.
///
/// Build arguments whose names say they hold a secret (`looksSecret`) are listed by name only; the
/// values of `--secret`s are never read here.
struct ProvenanceBuilder: Sendable {
    /// The build type: the meaning of the parameters above (README, "Provenance").
    static let buildType = "urn:xarch:build:dockerfile:v1"
    /// The builder id when `--builder-id` is not given: a local `xarch build`.
    static let defaultBuilderID = "urn:xarch:builder:local"

    let options: BuildOptions
    let dockerfileDigest: Digest
    let dependencies: [BaseImageResolver.Resolution]
    let checkout: GitCheckout?

    /// The statement about `image` (its manifest digest is the subject).
    func statement(for image: ImageAssembler.Assembled) -> ProvenanceStatement {
        let platform = image.platform.normalized
        let build = options.buildPlatform.normalized
        var args: [String: String] = [:]
        var redacted: [String] = []
        for (name, value) in options.buildArguments {
            if Self.looksSecret(name) { redacted.append(name) } else { args[name] = value }
        }
        let request = SLSAProvenance.Request(
            platform: platform.formatted, target: options.target, args: args,
            redactedArgs: redacted.isEmpty ? nil : redacted.sorted(),
            labels: options.labels.isEmpty ? nil : options.labels,
            secrets: options.secrets.isEmpty ? nil : options.secrets.keys.sorted())
        let external = SLSAProvenance.ExternalParameters(
            configSource: ResourceDescriptor(name: dockerfileName, dockerfileDigest), request: request)
        let fixed = SLSAProvenance.InternalParameters(
            buildPlatform: options.buildPlatform.formatted, sourceDateEpoch: options.sourceDateEpoch,
            layerCompression: Self.compressionName(options.encoding))
        var resolved = dependencies.filter { $0.platform == platform || $0.platform == build }.map(Self.descriptor)
        if let checkout {
            resolved.append(ResourceDescriptor(name: "context", uri: checkout.remote.map { "git+\($0)" },
                                               digest: ["gitCommit": checkout.commit]))
        }
        let definition = SLSAProvenance.BuildDefinition(buildType: Self.buildType, externalParameters: external,
                                                        internalParameters: fixed, resolvedDependencies: resolved)
        let builder = SLSAProvenance.Builder(id: options.builderID ?? Self.defaultBuilderID,
                                             version: ["xarch": options.builderVersion])
        return ProvenanceStatement(subject: [ResourceDescriptor(image.descriptor.digest)],
                                   predicate: SLSAProvenance(buildDefinition: definition, runDetails: .init(builder: builder)))
    }

    /// The Dockerfile as the user named it: relative to the context when it is inside it, else its
    /// file name (an absolute path would make the statement depend on where the checkout lives).
    var dockerfileName: String {
        guard let file = options.dockerfile else { return "Dockerfile" }
        let context = URL(fileURLWithPath: options.context).standardizedFileURL.path
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        if path.hasPrefix(context + "/") { return String(path.dropFirst(context.count + 1)) }
        return URL(fileURLWithPath: path).lastPathComponent
    }

    static func descriptor(_ resolution: BaseImageResolver.Resolution) -> ResourceDescriptor {
        let platform = resolution.platform.formatted
        let annotations = ["platform": platform, "manifest": resolution.manifest.description]
        guard case .registry(let reference)? = try? ImageLocation(parsing: resolution.name) else {
            return ResourceDescriptor(name: resolution.name, resolution.root, annotations: annotations)
        }
        // Package URL, docker type: the repository with its registry, the tag (or digest) as version.
        let query = platform.replacingOccurrences(of: "/", with: "%2F")
        let version = reference.tag ?? reference.digest?.description ?? ImageReference.defaultTag
        return ResourceDescriptor(name: resolution.name, uri: "pkg:docker/\(reference.name)@\(version)?platform=\(query)",
                                  resolution.root, annotations: annotations)
    }

    static func compressionName(_ encoding: LayerEncoding) -> String {
        let compression = encoding.compression.rawValue
        return encoding.level == LayerEncoding.defaultLevel(encoding.compression) ? compression : "\(compression)-\(encoding.level)"
    }

    /// Whether a build argument's name says it carries a secret: one of its `_`-separated words (any
    /// case) is a word BuildKit's `SecretsUsedInArgOrEnv` check looks for (`TOKEN`, `PASSWORD`,
    /// `SECRET`, `KEY`, `AUTH`, `CREDENTIALS`, …).
    static func looksSecret(_ name: String) -> Bool {
        let words = name.lowercased().split(whereSeparator: { $0 == "_" || $0 == "-" })
        let secretWords: Set<Substring> = ["apikey", "auth", "credential", "credentials", "key", "password", "pass",
                                           "pword", "passwd", "secret", "token", "pat"]
        return words.contains(where: secretWords.contains)
    }
}
