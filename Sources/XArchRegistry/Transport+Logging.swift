import Foundation
import XArchContent

/// Counts requests by method, and with `debug` writes one line per request to standard error:
/// method, redacted URL, status and time. Secrets never appear (URLs are redacted, headers not shown).
public struct LoggingTransport: RegistryTransport {
    let next: any RegistryTransport
    let counter: RequestCounter
    let debug: Bool

    public init(_ next: any RegistryTransport, counter: RequestCounter, debug: Bool = false) {
        self.next = next
        self.counter = counter
        self.debug = debug
    }

    public func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        await counter.record(request.method)
        let start = Date()
        do {
            let response = try await next.send(request)
            if debug { log("\(request.method) \(Redaction.url(request.url)) → \(response.status)", start) }
            return response
        } catch {
            if debug { log("\(request.method) \(Redaction.url(request.url)) → \(error)", start) }
            throw error
        }
    }

    private func log(_ text: String, _ start: Date) {
        let ms = Int(Date().timeIntervalSince(start) * 1000)
        FileHandle.standardError.write(Data("xarch: http: \(text) (\(ms) ms)\n".utf8))
    }
}

/// Requests sent, by method.
public actor RequestCounter: RequestCounting {
    private var counts: [String: Int] = [:]
    public init() {}
    public func record(_ method: String) { counts[method, default: 0] += 1 }
    public func requestCounts() -> [String: Int] { counts }
    public nonisolated var requestCounterIdentity: ObjectIdentifier { ObjectIdentifier(self) }
    public var total: Int { counts.values.reduce(0, +) }
}

/// Adds `User-Agent` to every request.
public struct UserAgentTransport: RegistryTransport {
    let next: any RegistryTransport
    let userAgent: String

    public init(_ next: any RegistryTransport, userAgent: String) {
        self.next = next
        self.userAgent = userAgent
    }

    public func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        var request = request
        request.setHeader("User-Agent", userAgent)
        return try await next.send(request)
    }
}
