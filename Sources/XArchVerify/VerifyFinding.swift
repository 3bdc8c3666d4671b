/// One finding of `xarch verify`: what is wrong, where, and how bad. Part of the stable
/// `--format json` schema.
public struct VerifyFinding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    /// What kind of problem: an open set, so JSON consumers can switch on it.
    public struct Kind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(rawValue)
        }
        public var description: String { rawValue }

        // coverage and consistency
        public static let missingPlatform = Kind(rawValue: "missing-platform")
        public static let platformMismatch = Kind(rawValue: "platform-mismatch")
        public static let danglingAttestation = Kind(rawValue: "dangling-attestation")
        // content
        public static let wrongArchitecture = Kind(rawValue: "wrong-architecture")
        public static let compatibleArchitecture = Kind(rawValue: "compatible-architecture")
        public static let floatABIMismatch = Kind(rawValue: "float-abi-mismatch")
        public static let abiMismatch = Kind(rawValue: "abi-mismatch")
        public static let wrongOS = Kind(rawValue: "wrong-os")
        public static let missingLoader = Kind(rawValue: "missing-loader")
        public static let missingInterpreter = Kind(rawValue: "missing-interpreter")
        public static let malformedELF = Kind(rawValue: "malformed-elf")
        public static let malformedPE = Kind(rawValue: "malformed-pe")
        public static let unsafePath = Kind(rawValue: "unsafe-path")
        public static let unreadableLayer = Kind(rawValue: "unreadable-layer")
        public static let uncheckedPlatform = Kind(rawValue: "unchecked-platform")

        init(_ mismatch: ELFArchitecture.Mismatch.Kind) { rawValue = mismatch.rawValue }
    }

    public var severity: Severity
    public var kind: Kind
    /// `os/arch[/variant]` of the image the finding is about; nil for index-level findings.
    public var platform: String?
    /// The file, absolute in the image ("/bin/busybox").
    public var path: String?
    /// The digest of the layer the file comes from.
    public var layer: String?
    /// One sentence for a person.
    public var message: String

    public init(_ severity: Severity, _ kind: Kind, platform: String? = nil, path: String? = nil,
                layer: String? = nil, message: String) {
        self.severity = severity
        self.kind = kind
        self.platform = platform
        self.path = path
        self.layer = layer
        self.message = message
    }
}
