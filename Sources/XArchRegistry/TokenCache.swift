import Foundation

/// A bearer token held by `TokenCache`, with the moment to stop using it
/// (`TokenResponse.expiry(receivedAt:)`) and the refresh token that came with it, if any.
public struct CachedToken: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The bearer token (RFC 6750 §2.1).
    public let token: String
    /// When the token is treated as expired (already reduced by the safety margin).
    public let expiresAt: Date
    /// A refresh token returned with it (OAuth2 flow), for the next fetch.
    public let refreshToken: String?

    /// A cached token.
    public init(token: String, expiresAt: Date, refreshToken: String? = nil) {
        self.token = token
        self.expiresAt = expiresAt
        self.refreshToken = refreshToken
    }

    /// A cached token from a token endpoint answer received at `receivedAt`.
    public init(_ response: TokenResponse, receivedAt: Date,
                safetyMargin: TimeInterval = TokenResponse.defaultSafetyMargin) {
        self.init(token: response.token, expiresAt: response.expiry(receivedAt: receivedAt, safetyMargin: safetyMargin),
                  refreshToken: response.refreshToken)
    }

    /// Names the expiry only: never the token.
    public var description: String { "CachedToken(expiresAt: \(expiresAt))" }
    /// A mirror without the secrets, for `dump`.
    public var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt], displayStyle: .struct) }
}

/// Registry tokens cached per `TokenKey` (registry, service, scopes) until they expire, with at most
/// one fetch in flight per key: callers that ask while a fetch runs await that same fetch (style rule
/// 9: "tokens cached per registry and scope; one fetch in flight").
///
/// The fetch itself (the HTTP exchange with the token server) is injected, so the cache is pure
/// bookkeeping. A failed fetch is not remembered: every waiter of that fetch gets its error, and the
/// next caller starts a new one.
public actor TokenCache {
    /// Fetches a fresh token for a key: the token-server round trip.
    public typealias Fetch = @Sendable (TokenKey) async throws -> CachedToken

    private struct InFlight {
        let id: UInt64
        let task: Task<CachedToken, any Error>
    }

    private let fetch: Fetch
    private let now: @Sendable () -> Date
    private var tokens: [TokenKey: CachedToken] = [:]
    private var inFlight: [TokenKey: InFlight] = [:]
    private var nextID: UInt64 = 0
    /// Callers currently awaiting a fetch, per key (tests use it to line callers up).
    private(set) var waiting: [TokenKey: Int] = [:]

    /// A cache calling `fetch` on a miss; `now` is the clock (injected for tests).
    public init(now: @escaping @Sendable () -> Date = { Date() }, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.now = now
    }

    /// A token for `key`: the cached one while it has not expired, otherwise the result of the fetch
    /// in flight for `key`, starting one if there is none. A just-fetched token is returned even if
    /// its lifetime is already over (it is still the newest the server gave).
    public func token(for key: TokenKey) async throws -> CachedToken {
        if let cached = tokens[key], cached.expiresAt > now() { return cached }
        let flight: InFlight
        if let running = inFlight[key] {
            flight = running
        } else {
            nextID &+= 1
            let fetch = self.fetch
            flight = InFlight(id: nextID, task: Task { try await fetch(key) })
            inFlight[key] = flight
        }
        waiting[key, default: 0] += 1
        defer { waiting[key, default: 1] -= 1; if waiting[key] == 0 { waiting[key] = nil } }
        do {
            let token = try await flight.task.value
            finish(key, id: flight.id, storing: token)
            return token
        } catch {
            finish(key, id: flight.id, storing: nil)
            throw error
        }
    }

    /// The cached, unexpired token for `key`, without fetching.
    public func cachedToken(for key: TokenKey) -> CachedToken? {
        guard let cached = tokens[key], cached.expiresAt > now() else { return nil }
        return cached
    }

    /// Forgets the token for `key`, after the registry answered 401 to it. A fetch already in flight
    /// is left alone: it will produce a new token.
    public func invalidate(_ key: TokenKey) {
        tokens[key] = nil
    }

    /// Forgets the token for `key` only if it is still `token`: when several requests fail with the
    /// same stale token, the first invalidation must not discard a newer token fetched meanwhile.
    public func invalidate(_ key: TokenKey, ifToken token: String) {
        if tokens[key]?.token == token { tokens[key] = nil }
    }

    /// Forgets every token (for example after `xarch logout`). Fetches in flight still complete for
    /// their waiters but are not stored.
    public func removeAll() {
        tokens.removeAll()
        inFlight.removeAll()
    }

    /// Called by every waiter when the fetch ends; the first one for this fetch stores the token (or
    /// nothing, on failure) and clears the in-flight entry, and prunes expired tokens.
    private func finish(_ key: TokenKey, id: UInt64, storing token: CachedToken?) {
        guard inFlight[key]?.id == id else { return }
        inFlight[key] = nil
        let current = now()
        tokens = tokens.filter { $0.value.expiresAt > current }
        if let token { tokens[key] = token }
    }
}
