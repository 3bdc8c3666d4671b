import Foundation
import XArchModel

/// When and how often to retry.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var attempts: Int
    /// First backoff, doubled each time, with jitter.
    public var initialBackoff: Double
    /// Longest wait, also the cap for `Retry-After`.
    public var maxBackoff: Double

    public init(attempts: Int = 4, initialBackoff: Double = 0.2, maxBackoff: Double = 10) {
        self.attempts = attempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    public static let none = RetryPolicy(attempts: 1)

    /// Statuses worth another try (distribution spec and RFC 9110: timeouts, throttling, server faults).
    public static func isTemporary(status: Int) -> Bool { [408, 429, 500, 502, 503, 504].contains(status) }

    /// Seconds to wait before attempt `attempt` (1-based retry count), honouring `Retry-After`.
    public func delay(attempt: Int, retryAfter: String?) -> Double {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return min(seconds, maxBackoff)
        }
        let base = initialBackoff * pow(2, Double(attempt - 1))
        return min(maxBackoff, base * Double.random(in: 0.75...1.25))
    }
}

/// Retries replayable requests after connection failures and temporary statuses (408/429/5xx),
/// with exponential backoff and `Retry-After`. Streamed uploads are never retried here.
public struct RetryTransport: RegistryTransport {
    let next: any RegistryTransport
    let policy: RetryPolicy

    public init(_ next: any RegistryTransport, policy: RetryPolicy = RetryPolicy()) {
        self.next = next
        self.policy = policy
    }

    public func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        let attempts = request.isReplayable ? max(1, policy.attempts) : 1
        var attempt = 1
        while true {
            do {
                let response = try await next.send(request)
                guard RetryPolicy.isTemporary(status: response.status), attempt < attempts else { return response }
                let wait = policy.delay(attempt: attempt, retryAfter: response.header("Retry-After"))
                await response.drain()
                try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
            } catch let error as XArchError where error.code == .network && attempt < attempts {
                try await Task.sleep(nanoseconds: UInt64(policy.delay(attempt: attempt, retryAfter: nil) * 1_000_000_000))
            }
            attempt += 1
        }
    }
}
