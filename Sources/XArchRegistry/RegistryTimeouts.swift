import Foundation
import XArchModel

/// How slow a registry may be before xarch gives up (issue 18: a registry that sends one byte a second
/// must not keep a read going for days).
///
/// - Small requests (manifests, tokens, tag pages, error bodies, `HEAD`s, upload sessions): the whole
///   exchange, head and body, must finish within `request` seconds.
/// - Blob downloads: at least `minimumBytes` must arrive in every `window` seconds spent waiting for the
///   registry (time the consumer spends writing is not counted). A download that falls below that rate
///   fails naming its (redacted) URL.
/// - Blob uploads (a streamed `PUT`): the same rate over the time the registry does not take the body
///   (`UploadPace`), then the answer within `request` seconds of the last byte.
///
/// Set from the environment: `XARCH_REQUEST_TIMEOUT=SECONDS` and `XARCH_MIN_TRANSFER=BYTES/SECONDS`.
public struct RegistryTimeouts: Sendable, Equatable {
    /// Seconds allowed for a small request, head and body together.
    public var request: Double = 60
    /// Bytes a blob download must bring in every `window`.
    public var minimumBytes: Int = 16 * 1024
    /// Seconds of waiting in which `minimumBytes` must arrive.
    public var window: Double = 30

    public init() {}

    /// This process's `XARCH_REQUEST_TIMEOUT` and `XARCH_MIN_TRANSFER` over the defaults; the defaults
    /// alone when a value does not parse (the CLI refuses such a value with a message first).
    public static var fromEnvironment: RegistryTimeouts {
        (try? RegistryTimeouts(environment: ProcessInfo.processInfo.environment)) ?? RegistryTimeouts()
    }

    /// The names of the environment variables, for messages.
    public static let requestVariable = "XARCH_REQUEST_TIMEOUT"
    public static let transferVariable = "XARCH_MIN_TRANSFER"

    /// The defaults changed by `XARCH_REQUEST_TIMEOUT` and `XARCH_MIN_TRANSFER` when set; a value that
    /// does not parse is an error naming the variable.
    public init(environment: [String: String]) throws {
        if let text = environment[Self.requestVariable] {
            guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
                throw XArchError(.invalidInput, "\(Self.requestVariable)=\(text): expected a positive number of seconds")
            }
            request = seconds
        }
        if let text = environment[Self.transferVariable] {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let bytes = Int(parts[0]), bytes > 0,
                  let seconds = Double(parts[1]), seconds > 0, seconds.isFinite else {
                throw XArchError(.invalidInput, "\(Self.transferVariable)=\(text): expected BYTES/SECONDS, e.g. 16384/30")
            }
            minimumBytes = bytes
            window = seconds
        }
    }
}

/// The time rule a response body is read under (see `RegistryTimeouts`).
public enum BodyPace: Sendable, Equatable {
    /// Head and body within the request's `deadline` (small bodies).
    case deadline
    /// The session's minimum throughput (blob downloads).
    case throughput
}
