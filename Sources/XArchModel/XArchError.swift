/// The one error type of xarch.
///
/// Following swift-nio's style: an extensible `code` a program can switch on, a `message` a person can
/// act on (one sentence naming the thing that is wrong and what to do), and the underlying `cause`.
public struct XArchError: Error, Sendable, CustomStringConvertible {
    /// An open set of error codes; unknown codes can be added by later modules.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Input that does not parse: a digest, reference, platform, manifest, JSON document.
        public static let invalidInput = Code(rawValue: "invalid-input")
        /// Content whose digest or size differs from the one announced.
        public static let digestMismatch = Code(rawValue: "digest-mismatch")
        /// Content that exists in a form xarch refuses to handle (for example schema 1 manifests).
        public static let unsupported = Code(rawValue: "unsupported")
        /// A manifest, blob, tag or file that does not exist.
        public static let notFound = Code(rawValue: "not-found")
        /// A file system or other I/O failure.
        public static let io = Code(rawValue: "io")
        /// A check did not hold (no matching platform, verification failed); exit code 3.
        public static let checkFailed = Code(rawValue: "check-failed")
        /// Content larger than the cap allowed for its kind.
        public static let tooLarge = Code(rawValue: "too-large")
    }

    public let code: Code
    public let message: String
    public let cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}
