import Foundation

/// A media type, as an open set: unknown values decode and round-trip unchanged.
///
/// Constants from the OCI image spec (media-types.md) and Docker's image manifest v2 schema 2.
public struct MediaType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    // MARK: OCI (image-spec media-types.md)
    public static let ociManifest: MediaType = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex: MediaType = "application/vnd.oci.image.index.v1+json"
    public static let ociConfig: MediaType = "application/vnd.oci.image.config.v1+json"
    public static let ociLayout: MediaType = "application/vnd.oci.layout.header.v1+json"
    public static let ociEmpty: MediaType = "application/vnd.oci.empty.v1+json"
    public static let ociLayer: MediaType = "application/vnd.oci.image.layer.v1.tar"
    public static let ociLayerGzip: MediaType = "application/vnd.oci.image.layer.v1.tar+gzip"
    public static let ociLayerZstd: MediaType = "application/vnd.oci.image.layer.v1.tar+zstd"
    public static let ociLayerNonDistributable: MediaType = "application/vnd.oci.image.layer.nondistributable.v1.tar"
    public static let ociLayerNonDistributableGzip: MediaType = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
    public static let ociLayerNonDistributableZstd: MediaType = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"

    // MARK: Docker (image manifest v2, schema 2)
    public static let dockerManifest: MediaType = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList: MediaType = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerConfig: MediaType = "application/vnd.docker.container.image.v1+json"
    public static let dockerLayer: MediaType = "application/vnd.docker.image.rootfs.diff.tar"
    public static let dockerLayerGzip: MediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    public static let dockerForeignLayer: MediaType = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    public static let dockerPluginConfig: MediaType = "application/vnd.docker.plugin.v1+json"
    /// Schema 1 (deprecated, signed and unsigned): recognised in order to be refused clearly.
    public static let dockerSchema1: MediaType = "application/vnd.docker.distribution.manifest.v1+json"
    public static let dockerSchema1Signed: MediaType = "application/vnd.docker.distribution.manifest.v1+prettyjws"

    /// Every manifest and index type xarch reads; sent as `Accept` on manifest requests.
    public static let manifestTypes: [MediaType] = [.ociIndex, .dockerManifestList, .ociManifest, .dockerManifest]

    /// An image index or Docker manifest list.
    public var isIndex: Bool { self == .ociIndex || self == .dockerManifestList }
    /// An image manifest (OCI or Docker schema 2).
    public var isImageManifest: Bool { self == .ociManifest || self == .dockerManifest }
    /// Any manifest or index xarch understands.
    public var isManifest: Bool { isIndex || isImageManifest }
    /// A Docker schema 1 manifest, which xarch refuses.
    public var isSchema1: Bool { self == .dockerSchema1 || self == .dockerSchema1Signed }
    /// A layer media type (tar, compressed or not, distributable or not, OCI or Docker).
    public var isLayer: Bool {
        rawValue.hasPrefix("application/vnd.oci.image.layer.") || rawValue.hasPrefix("application/vnd.docker.image.rootfs.")
    }
    /// Layers that registries may refuse to distribute (OCI non-distributable, Docker foreign).
    public var isNonDistributable: Bool {
        rawValue.hasPrefix("application/vnd.oci.image.layer.nondistributable.") || self == .dockerForeignLayer
    }
    /// The compression a layer of this type uses.
    public var layerCompression: LayerCompression? {
        guard isLayer else { return nil }
        if rawValue.hasSuffix("+gzip") || rawValue.hasSuffix(".gzip") { return .gzip }
        if rawValue.hasSuffix("+zstd") { return .zstd }
        return .uncompressed
    }
    /// The base type without parameters (`type/subtype; charset=…` → `type/subtype`).
    public var essence: MediaType {
        guard let semi = rawValue.firstIndex(of: ";") else { return self }
        return MediaType(rawValue[..<semi].trimmingCharacters(in: .whitespaces))
    }
}

/// How a layer blob is compressed.
public enum LayerCompression: String, Sendable, Codable {
    case uncompressed = "none", gzip, zstd
}
