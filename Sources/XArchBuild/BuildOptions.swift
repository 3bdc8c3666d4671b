import Foundation
import XArchArchive
import XArchModel
import XArchRun

/// What `xarch build` builds and where it puts the result.
public struct BuildOptions: Sendable {
    /// The build context directory.
    public var context: String
    /// The Dockerfile; nil is `<context>/Dockerfile`.
    public var dockerfile: String?
    /// The target platforms; nil means `all` (see `ImageBuild`).
    public var platforms: [Platform]?
    /// `--build-arg NAME=value`.
    public var buildArguments: [String: String]
    /// `--label NAME=value`, set on every platform's image config.
    public var labels: [String: String]
    /// `--target STAGE`; nil builds the last stage.
    public var target: String?
    /// Timestamps (layer entries, `created`, history) are clamped to this many seconds since the epoch
    /// (reproducible-builds.org `SOURCE_DATE_EPOCH`); 0 by default.
    public var sourceDateEpoch: Int64
    /// How new layers are compressed (`--compression`, `--compression-level`): gzip level 6 by default.
    public var encoding: LayerEncoding
    /// `--output oci:PATH[:TAG]`: the OCI layout to write (the tag defaults to `latest`).
    public var output: LayoutReference?
    /// `--output oci-archive:PATH[:TAG]` or `docker-archive:PATH[:NAME:TAG]`: an archive file to write
    /// whole, atomically (a `docker-archive` holds one platform's image, so the build must have one).
    public var archiveOutput: ArchiveReference?
    /// `-t REF`: registry references to push the finished index to.
    public var destinations: [ImageReference]
    /// `--push-by-digest REPO`: the repository (no tag, no digest) to push the result to by digest only
    /// (`DigestPush`: the image manifest of a one-platform build, else the index); nil: no such push.
    public var pushByDigest: ImageReference?
    /// `--metadata-file F`: where to write the `BuildMetadata` of the result (atomically); nil: nowhere.
    public var metadataFile: String?
    /// The platform `BUILDPLATFORM` names: the host's, without its amd64 level.
    public var buildPlatform: Platform
    /// Layers written and blobs transferred at the same time.
    public var jobs: Int
    /// Scan every platform's files (as `xarch verify` does) before anything is written or pushed.
    public var verify = false
    /// Where RUN keeps the unpacked trees of base images (shared with `xarch test`); nil: unpacked into
    /// the build's temporary directory and removed with it.
    public var rootFilesystemCache: RootFilesystemCache?
    /// `--secret id=…,src=…|env=…`: what `RUN --mount=type=secret,id=…` sees; never written to a layer.
    public var secrets: [String: BuildSecret] = [:]
    /// `--test [-- CMD…]`: run every platform of the result with `xarch test` before anything is written
    /// or pushed; nil: no test.
    public var test: ImageTestOptions?
    /// `--progress plain`: the output of every RUN is reported (`BuildEvent.runOutput`) as it runs.
    public var showsRunOutput = false
    /// `--no-cache-filter STAGE`: the RUNs of these stages (names, or indexes from 0) run even when a
    /// result is kept; the other stages use the cache.
    public var noCacheStages: Set<String> = []
    /// `--no-cache`: every RUN runs, even when an earlier build kept its result (results are still kept).
    public var noCache = false
    /// `--provenance`: attach an SLSA Provenance v1 attestation to every platform (`ProvenanceAttestation`).
    public var provenance = false
    /// `--builder-id URI`: `runDetails.builder.id` of the provenance; nil: `urn:xarch:builder:local`.
    public var builderID: String?
    /// xarch's version, for `runDetails.builder.version` of the provenance.
    public var builderVersion = "unknown"

    public init(context: String, dockerfile: String? = nil, platforms: [Platform]?, buildArguments: [String: String] = [:],
                labels: [String: String] = [:], target: String? = nil, sourceDateEpoch: Int64 = 0,
                encoding: LayerEncoding = .gzip(), output: LayoutReference? = nil, destinations: [ImageReference] = [],
                buildPlatform: Platform, jobs: Int = 4, verify: Bool = false) {
        self.context = context
        self.dockerfile = dockerfile
        self.platforms = platforms
        self.buildArguments = buildArguments
        self.labels = labels
        self.target = target
        self.sourceDateEpoch = sourceDateEpoch
        self.encoding = encoding
        self.output = output
        self.destinations = destinations
        self.buildPlatform = buildPlatform
        self.jobs = jobs
        self.verify = verify
    }

    /// The Dockerfile's path.
    var dockerfilePath: String { dockerfile ?? "\(context)/Dockerfile" }

    /// `SOURCE_DATE_EPOCH` as RFC 3339 in UTC (`1970-01-01T00:00:00Z`), for `created`.
    var created: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(sourceDateEpoch)))
    }

    /// The build platform as `BUILDPLATFORM` gives it: `linux/amd64` on an amd64 v3 host.
    public static func buildPlatform(host: Platform) -> Platform {
        var platform = host.normalized
        if platform.architecture == "amd64" { platform.variant = "" }
        return platform
    }

    /// The platforms `--platform all` tries for an image built `FROM scratch`: the Linux platforms
    /// Docker Official Images are built for, plus the arm variants and mips64le. A platform whose
    /// sources the context does not have is left out.
    public static let scratchCandidates: [Platform] = [
        "linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5", "linux/386",
        "linux/ppc64le", "linux/s390x", "linux/riscv64", "linux/mips64le",
    ].compactMap { try? Platform(parsing: $0).normalized }
}

/// Where a build secret comes from (`xarch build --secret`).
public enum BuildSecret: Sendable, Hashable {
    /// A file, read when a RUN mounts it.
    case file(String)
    /// The value itself (taken from an environment variable when the build started).
    case value([UInt8])
}
