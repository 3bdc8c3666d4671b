import XArchModel
import XArchRun
import XArchVerify

/// What `xarch build` reports: the stable `--format json` schema (documented in the README).
public struct BuildReport: Codable, Sendable {
    /// One platform's image.
    public struct Image: Codable, Sendable, Hashable {
        /// `os/arch[/variant]`.
        public var platform: String
        /// Digest of the image manifest.
        public var digest: String
        /// Bytes of the manifest, its config and its layers (compressed): what a pull downloads at most.
        public var size: Int64
        /// Layers in all, and how many of them this build wrote.
        public var layers: Int
        public var newLayers: Int
        /// With `--provenance`: the digest of the attestation manifest that holds its SLSA provenance.
        public var provenance: String?
    }

    /// How the RUN instructions of one platform's stages were carried out (a `$BUILDPLATFORM` stage's RUNs
    /// count on the build platform).
    public struct RunSummary: Codable, Sendable, Hashable {
        /// `os/arch[/variant]` of the stages whose RUNs these are.
        public var platform: String
        /// The execution mode (`native`, `binfmt-userns`, `binfmt-host`) and how it runs (the emulator).
        public var mode: String
        public var how: String
        /// RUNs run, taken from the build cache of earlier builds, and shared with an identical RUN of
        /// this build (a stage used by several targets, or the same RUN on the same base).
        public var ran = 0
        public var cached = 0
        public var shared = 0
    }

    /// Where the index went.
    public struct Destination: Codable, Sendable, Hashable {
        /// `oci:PATH:TAG` or the registry reference.
        public var reference: String
        /// Blobs sent (the others were there already or were mounted).
        public var blobsCopied: Int
        /// Blobs mounted from the base image's repository on the same registry (pushes only).
        public var blobsMounted: Int = 0
    }

    /// Digest and media type of the index (OCI image index).
    public var digest: String
    public var mediaType: String
    public var images: [Image]
    /// Platforms `--platform all` considered and left out, with the reason.
    public var skippedPlatforms: [String: String]
    /// Distinct new layers written (a layer identical on several platforms counts once) and their
    /// compressed bytes.
    public var layersWritten: Int
    public var layerBytes: Int64
    /// The layout written with `--output`, if any.
    public var output: Destination?
    /// The registries pushed to with `-t`, in order.
    public var pushed: [Destination]
    /// The push of `--push-by-digest` (its reference is `REPO@DIGEST`), if any.
    public var pushedByDigest: Destination?
    /// What `--metadata-file` writes: the root (the pushed manifest with `--push-by-digest`, else the
    /// index), its platforms and where it can be read by digest.
    public var metadata: BuildMetadata
    /// `--build-arg`s that no `ARG` used (BuildKit warns about them too).
    public var unusedBuildArguments: [String]
    /// How each platform's RUNs were carried out; empty when the Dockerfile has no RUN.
    public var runs: [RunSummary] = []
    /// What `--verify` found (it passed, or the build would have stopped); nil without `--verify`.
    public var verification: VerifyReport?
    /// What `--test` found (every platform passed, or the build would have stopped); nil without `--test`.
    public var test: ImageTestReport?
    public var durationSeconds: Double
}
