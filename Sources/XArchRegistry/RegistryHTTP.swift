import XArchContent
import XArchModel

/// One HTTP request to a registry, as the transport layers see it.
public struct RegistryRequest: Sendable {
    public var method: String
    /// Absolute URL (`https://host/v2/…`).
    public var url: String
    public var headers: [(String, String)]
    public var body: RequestBody
    /// The token scope this request needs (`repository:NAME:pull`), for the auth layer.
    public var scope: String?
    /// Seconds allowed for the exchange (head and, under `.deadline` pace, the body); nil: the session's
    /// `RegistryTimeouts.request`.
    public var deadline: Double?
    /// The time rule the response body is read under.
    public var pace: BodyPace

    public init(method: String, url: String, headers: [(String, String)] = [], body: RequestBody = .none,
                scope: String? = nil, deadline: Double? = nil, pace: BodyPace = .deadline) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.scope = scope
        self.deadline = deadline
        self.pace = pace
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveEquals(name) }?.1
    }

    /// Sets a header, replacing any earlier value.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.caseInsensitiveEquals(name) }
        headers.append((name, value))
    }

    public mutating func removeHeader(_ name: String) {
        headers.removeAll { $0.0.caseInsensitiveEquals(name) }
    }

    /// Whether the request can be sent again (its body is not a one-shot stream).
    public var isReplayable: Bool {
        if case .stream = body { return false }
        return true
    }
}

/// A request body.
public enum RequestBody: Sendable {
    case none
    case bytes([UInt8])
    /// A one-shot stream of known length; requests carrying one are never retried by the transport.
    case stream(ByteStream, length: Int64)
}

/// A registry's answer: status, headers, and a body streamed on demand.
public struct RegistryResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: ByteStream
    /// The URL that answered (after redirects).
    public var url: String

    public init(status: Int, headers: [(String, String)], body: ByteStream, url: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveEquals(name) }?.1
    }

    /// All values of a header (e.g. several `Link` or `WWW-Authenticate`).
    public func headers(_ name: String) -> [String] {
        headers.filter { $0.0.caseInsensitiveEquals(name) }.map(\.1)
    }

    /// `Content-Length` when present and valid.
    public var contentLength: Int64? { header("Content-Length").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }

    /// Reads and discards the body, so the connection can be reused.
    public func drain() async {
        do { for try await _ in body {} } catch {}
    }
}

/// One layer of the HTTP stack (each layer a decorator of the next): user agent → auth → retry → redirects → logging → HTTP.
public protocol RegistryTransport: Sendable {
    func send(_ request: RegistryRequest) async throws -> RegistryResponse
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self.utf8.count == other.utf8.count && self.lowercased() == other.lowercased()
    }
}

import Foundation
