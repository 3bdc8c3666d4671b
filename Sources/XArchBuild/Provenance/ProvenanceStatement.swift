import XArchModel

/// An in-toto attestation Statement (in-toto attestation framework, spec/v1/statement.md) whose
/// predicate is SLSA Build Provenance v1 (slsa.dev/spec/v1.0/provenance, "Schema"). `xarch build
/// --provenance` writes one per platform, as the single layer of an attestation manifest
/// (`ProvenanceAttestation`).
///
/// Encoded with `CanonicalJSON` (sorted keys, no insignificant white space), so the bytes — and the
/// attestation's digest — depend only on what the statement says. It says nothing that changes from
/// one run to the next (no start or end time, no invocation id): two builds from the same inputs
/// attach the same statement.
public struct ProvenanceStatement: Codable, Sendable, Equatable {
    /// in-toto Statement v1 (`_type`).
    public static let statementType = "https://in-toto.io/Statement/v1"
    /// SLSA Provenance v1 (`predicateType`, and the layer's `in-toto.io/predicate-type` annotation).
    public static let provenanceType = "https://slsa.dev/provenance/v1"

    public var type: String
    /// What the statement is about: the platform's image manifest.
    public var subject: [ResourceDescriptor]
    public var predicateType: String
    public var predicate: SLSAProvenance

    public init(subject: [ResourceDescriptor], predicate: SLSAProvenance) {
        self.type = Self.statementType
        self.subject = subject
        self.predicateType = Self.provenanceType
        self.predicate = predicate
    }

    enum CodingKeys: String, CodingKey {
        case type = "_type", subject, predicateType, predicate
    }
}

/// An in-toto ResourceDescriptor (spec/v1/resource_descriptor.md): an artifact named by URI and/or
/// digest. At least one of `uri` and `digest` is set.
public struct ResourceDescriptor: Codable, Sendable, Equatable {
    public var name: String?
    public var uri: String?
    /// Algorithm → lower-case hex (`sha256`, or `gitCommit` for a git commit id).
    public var digest: [String: String]?
    public var annotations: [String: String]?

    public init(name: String? = nil, uri: String? = nil, digest: [String: String]? = nil,
                annotations: [String: String]? = nil) {
        self.name = name
        self.uri = uri
        self.digest = digest
        self.annotations = annotations
    }

    /// The descriptor of an OCI content digest (`sha256:…` → `{"sha256": "…"}`).
    public init(name: String? = nil, uri: String? = nil, _ digest: Digest, annotations: [String: String]? = nil) {
        self.init(name: name, uri: uri, digest: [digest.algorithm.rawValue: digest.encoded], annotations: annotations)
    }
}

/// The SLSA Build Provenance v1 predicate (slsa.dev/spec/v1.0/provenance, "Schema": `buildDefinition`
/// and `runDetails`).
public struct SLSAProvenance: Codable, Sendable, Equatable {
    public var buildDefinition: BuildDefinition
    public var runDetails: RunDetails

    public init(buildDefinition: BuildDefinition, runDetails: RunDetails) {
        self.buildDefinition = buildDefinition
        self.runDetails = runDetails
    }

    /// What was built and from what ("BuildDefinition").
    public struct BuildDefinition: Codable, Sendable, Equatable {
        /// The URI naming the meaning of the parameters below (`ProvenanceBuilder.buildType`).
        public var buildType: String
        /// What the user chose: the Dockerfile, the platform, the stage, arguments and labels.
        public var externalParameters: ExternalParameters
        /// What xarch chose: the build platform, the timestamp clamp, the layer compression.
        public var internalParameters: InternalParameters
        /// Base images (by digest) and the context's git commit.
        public var resolvedDependencies: [ResourceDescriptor]
    }

    /// Who built it ("RunDetails").
    public struct RunDetails: Codable, Sendable, Equatable {
        public var builder: Builder
    }

    /// The builder's identity ("Builder"): `id` a URI, `version` component → version.
    public struct Builder: Codable, Sendable, Equatable {
        public var id: String
        public var version: [String: String]
    }

    /// The parameters of an `xarch build` a user controls.
    public struct ExternalParameters: Codable, Sendable, Equatable {
        /// The Dockerfile: its path relative to the context (as given), and its digest.
        public var configSource: ResourceDescriptor
        public var request: Request
    }

    /// One platform's request.
    public struct Request: Codable, Sendable, Equatable {
        /// The target platform (`linux/arm64`).
        public var platform: String
        /// `--target`, when given.
        public var target: String?
        /// `--build-arg` values, except those whose names say they hold a secret (`redactedArgs`).
        public var args: [String: String]
        /// The names of build arguments whose values were left out (`ProvenanceBuilder.looksSecret`).
        public var redactedArgs: [String]?
        /// `--label` values.
        public var labels: [String: String]?
        /// The ids of `--secret`s the build was given (never their values).
        public var secrets: [String]?
    }

    /// The parameters xarch fixed for the build.
    public struct InternalParameters: Codable, Sendable, Equatable {
        /// `BUILDPLATFORM`.
        public var buildPlatform: String
        /// `SOURCE_DATE_EPOCH`: timestamps in the image are clamped to it.
        public var sourceDateEpoch: Int64
        /// How new layers were compressed (`gzip`, `gzip-9`, `zstd`, `zstd-19`).
        public var layerCompression: String
    }
}
