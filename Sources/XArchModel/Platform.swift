/// The platform an image runs on, as in the OCI image index (image-index.md, "platform") and the
/// image config (config.md: `os`, `architecture`, `variant`, `os.version`, `os.features`).
///
/// Parsing, formatting, normalization and matching follow containerd's `platforms` package; see
/// `Platform+Parse.swift`, `Platform+Normalize.swift` and `PlatformMatcher.swift`.
public struct Platform: Hashable, Sendable, Codable {
    /// Operating system, e.g. `linux`, `windows`.
    public var os: String
    /// CPU architecture in GOARCH form, e.g. `amd64`, `arm64`, `arm`.
    public var architecture: String
    /// CPU variant, e.g. `v7`, `v8`; empty when none.
    public var variant: String
    /// Windows build, e.g. `10.0.20348.2227`; empty when none.
    public var osVersion: String
    /// Required OS features, e.g. `win32k`.
    public var osFeatures: [String]
    /// Reserved by the spec (`features`); kept for round trips.
    public var features: [String]

    public init(os: String, architecture: String, variant: String = "", osVersion: String = "",
                osFeatures: [String] = [], features: [String] = []) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
        self.osVersion = osVersion
        self.osFeatures = osFeatures
        self.features = features
    }

    enum CodingKeys: String, CodingKey {
        case os, architecture, variant, features
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        os = try c.decodeIfPresent(String.self, forKey: .os) ?? ""
        architecture = try c.decodeIfPresent(String.self, forKey: .architecture) ?? ""
        variant = try c.decodeIfPresent(String.self, forKey: .variant) ?? ""
        osVersion = try c.decodeIfPresent(String.self, forKey: .osVersion) ?? ""
        osFeatures = try c.decodeIfPresent([String].self, forKey: .osFeatures) ?? []
        features = try c.decodeIfPresent([String].self, forKey: .features) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(architecture, forKey: .architecture)
        try c.encode(os, forKey: .os)
        if !variant.isEmpty { try c.encode(variant, forKey: .variant) }
        if !osVersion.isEmpty { try c.encode(osVersion, forKey: .osVersion) }
        if !osFeatures.isEmpty { try c.encode(osFeatures, forKey: .osFeatures) }
        if !features.isEmpty { try c.encode(features, forKey: .features) }
    }
}
