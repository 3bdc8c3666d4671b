/// What `xarch build --metadata-file F` writes and `xarch index create --from-metadata F` reads: the root
/// a build produced, as a descriptor (OCI image spec, descriptor.md: `mediaType`, `digest`, `size`), the
/// platforms it holds, and where it can be read by digest.
///
/// The JSON has exactly these fields (keys sorted):
///
///     {"digest":"sha256:…","mediaType":"application/vnd.oci.image.manifest.v1+json","platforms":["linux/arm64"],
///      "reference":"registry.example/app@sha256:…","size":1234}
///
/// `reference` is `REPO@DIGEST` when the build pushed (`--push-by-digest REPO`, else the first `-t`),
/// `oci:PATH@DIGEST` when it only wrote a layout; the same digest as `digest` in both cases.
public struct BuildMetadata: Codable, Sendable, Hashable {
    /// Digest of the root: the image manifest of a one-platform `--push-by-digest`, else the index.
    public var digest: Digest
    /// Media type of the root (descriptor.md, "mediaType").
    public var mediaType: MediaType
    /// Size of the root manifest in bytes.
    public var size: Int64
    /// The platforms of its images, `os/arch[/variant]`, in index order.
    public var platforms: [String]
    /// `REPO@DIGEST` (or `oci:PATH@DIGEST`) where the root can be read; nil when it went nowhere readable.
    public var reference: String?

    public init(digest: Digest, mediaType: MediaType, size: Int64, platforms: [String], reference: String?) {
        self.digest = digest
        self.mediaType = mediaType
        self.size = size
        self.platforms = platforms
        self.reference = reference
    }

    private enum CodingKeys: String, CodingKey { case digest, mediaType, size, platforms, reference }

    /// Every field, `reference` as `null` when there is none, so the schema is the same for every build.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(digest, forKey: .digest)
        try c.encode(mediaType, forKey: .mediaType)
        try c.encode(size, forKey: .size)
        try c.encode(platforms, forKey: .platforms)
        try c.encode(reference, forKey: .reference)
    }

    /// Largest metadata file read: a few hundred bytes in practice.
    public static let maximumSize = 1 << 20

    /// The metadata in `bytes`, checked: valid JSON with a digest, a media type and a size, and a
    /// `reference` naming the same digest. `name` (the file) starts every error, which is one line.
    public init(json bytes: [UInt8], name: String) throws {
        let decoded: BuildMetadata
        do {
            decoded = try CanonicalJSON.decode(BuildMetadata.self, from: bytes, what: "the build metadata")
        } catch let error as XArchError {
            throw XArchError(.invalidInput, "\(name): \(error.message) (xarch build --metadata-file writes it)", cause: error)
        }
        guard decoded.size >= 0 else { throw XArchError(.invalidInput, "\(name): the size \(decoded.size) is negative") }
        self = decoded
    }

    /// The location `reference` names, which must carry this metadata's digest.
    public func location(name: String) throws -> ImageLocation {
        guard let reference else {
            throw XArchError(.invalidInput, "\(name): the build of \(digest) was not pushed, so it has no reference to read it from; build with --push-by-digest REPO or -t REPO:TAG")
        }
        let location: ImageLocation
        do {
            location = try ImageLocation(parsing: reference)
        } catch let error as XArchError {
            throw XArchError(.invalidInput, "\(name): reference: \(error.message)", cause: error)
        }
        guard location.digest == digest else {
            throw XArchError(.invalidInput, "\(name): the reference \(reference) does not name the digest \(digest); it must be NAME@\(digest)")
        }
        return location
    }

    /// The one platform the root holds, to check the source against; nil for none or several.
    public var singlePlatform: Platform? {
        guard platforms.count == 1 else { return nil }
        return try? Platform(parsing: platforms[0])
    }
}
