/// What a registry said when it refused a request, kept as typed fields (distribution spec, spec.md,
/// "Error Codes"): the HTTP status, the `{"errors":[{code, message, detail}]}` entries, the method and
/// the URL with credentials and tokens removed. It is the `cause` of the `XArchError` a refused request
/// throws, so callers branch on the status or the codes, never on message text.
public struct RegistryFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// A distribution error code: an open set, so a registry's own codes still decode.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let blobUnknown = Code(rawValue: "BLOB_UNKNOWN")
        public static let blobUploadInvalid = Code(rawValue: "BLOB_UPLOAD_INVALID")
        public static let blobUploadUnknown = Code(rawValue: "BLOB_UPLOAD_UNKNOWN")
        public static let digestInvalid = Code(rawValue: "DIGEST_INVALID")
        public static let manifestBlobUnknown = Code(rawValue: "MANIFEST_BLOB_UNKNOWN")
        public static let manifestInvalid = Code(rawValue: "MANIFEST_INVALID")
        public static let manifestUnknown = Code(rawValue: "MANIFEST_UNKNOWN")
        public static let nameInvalid = Code(rawValue: "NAME_INVALID")
        public static let nameUnknown = Code(rawValue: "NAME_UNKNOWN")
        public static let sizeInvalid = Code(rawValue: "SIZE_INVALID")
        public static let unauthorized = Code(rawValue: "UNAUTHORIZED")
        public static let denied = Code(rawValue: "DENIED")
        public static let unsupported = Code(rawValue: "UNSUPPORTED")
        public static let tooManyRequests = Code(rawValue: "TOOMANYREQUESTS")
    }

    /// One entry of the error body.
    public struct Entry: Sendable, Hashable {
        public var code: Code?
        public var message: String?
        /// The `detail` value as the registry sent it (any JSON), if any.
        public var detail: JSONValue?

        public init(code: Code?, message: String?, detail: JSONValue? = nil) {
            self.code = code
            self.message = message
            self.detail = detail
        }
    }

    /// The HTTP status code.
    public var status: Int
    /// `GET`, `PUT`, …
    public var method: String
    /// The request URL, credentials and tokens removed.
    public var url: String
    public var entries: [Entry]

    public init(status: Int, method: String, url: String, entries: [Entry] = []) {
        self.status = status
        self.method = method
        self.url = url
        self.entries = entries
    }

    /// Whether any entry has `code`.
    public func has(_ code: Code) -> Bool { entries.contains { $0.code == code } }

    public var description: String {
        let said = entries.map { [$0.code?.rawValue, $0.message].compactMap { $0 }.joined(separator: ": ") }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        return "HTTP \(status) to \(method) \(url)" + (said.isEmpty ? "" : " (\(said))")
    }
}
