/// What `xarch verify` reports: the stable `--format json` schema (documented in the README).
public struct VerifyReport: Codable, Sendable {
    public var reference: String
    /// Digest and media type of the root (index or image).
    public var digest: String
    public var mediaType: String
    /// True when no finding is an error (the exit code is 3 otherwise).
    public var passed: Bool
    /// The `--require` platforms, normalized.
    public var required: [String]
    /// One summary per image whose content was scanned, in index order.
    public var platforms: [PlatformSummary]
    /// Every finding: coverage and consistency first, then content, errors before warnings.
    public var findings: [VerifyFinding]
    public var errors: Int
    public var warnings: Int
    /// Distinct layers read (a layer shared by several platforms is read once).
    public var layersRead: Int

    /// The content scan of one platform image.
    public struct PlatformSummary: Codable, Sendable {
        /// `os/arch[/variant]`: the descriptor's platform, else the config's.
        public var platform: String
        /// The image manifest's digest.
        public var digest: String
        /// What its ELF/PE files were judged against, e.g. `linux/arm64 (AArch64)`.
        public var expected: String?
        public var layers: Int
        public var filesScanned: Int
        public var elfFiles: Int
        public var peFiles: Int
        public var scripts: Int
        public var errors: Int
        public var warnings: Int
    }
}
