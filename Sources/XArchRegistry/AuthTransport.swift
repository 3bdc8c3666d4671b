import Foundation
import Synchronization
import XArchModel

/// Authentication (distribution "token authentication specification"; RFC 7235, RFC 7617): answers a
/// 401 challenge with a Bearer token from the realm, or with Basic credentials, and resends once.
///
/// What a host asked for is remembered, so later requests carry the header up front; tokens are cached
/// per registry, service and scope set with one fetch in flight (`TokenCache`); a token the registry
/// refuses (expired, revoked) is dropped and fetched again.
///
/// `@unchecked Sendable` because `tokens` (whose fetcher calls back into this transport) can only be
/// set once `init` has a `self`: it is assigned there, once, before the transport is shared, and never
/// again. Every other mutable field is in `state`.
final class AuthTransport: RegistryTransport, @unchecked Sendable {
    private let next: any RegistryTransport
    private let credentials: CredentialStore?
    private struct State {
        var challenges: [String: AuthChallenge] = [:]
        var credentialCache: [String: RegistryCredentials?] = [:]
        /// Hosts reached over plain HTTP: an http token realm is no downgrade for them.
        var plainHosts: Set<String> = []
    }
    private let state = Mutex(State())
    private var tokens: TokenCache!

    private let explicit: [String: RegistryCredentials]

    init(_ next: any RegistryTransport, credentials: CredentialStore?, explicit: [String: RegistryCredentials] = [:]) {
        self.next = next
        self.credentials = credentials
        self.explicit = explicit
        tokens = TokenCache { [unowned self] key in try await self.fetchToken(key) }
    }

    func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        guard let host = URL(string: request.url).map(Redaction.hostAndPort) else { return try await next.send(request) }
        if request.url.hasPrefix("http://") { state.withLock { _ = $0.plainHosts.insert(host) } }
        var request = request
        let (header, key) = try await authorization(host: host, scope: request.scope)
        if let header { request.setHeader("Authorization", header) }
        let response = try await next.send(request)
        guard response.status == 401, request.isReplayable else { return response }

        let parsed = try AuthChallenge.parse(fields: response.headers("WWW-Authenticate"))
        guard let challenge = AuthChallenge.preferred(parsed) else { return response }
        if let key, let header { await tokens.invalidate(key, ifToken: String(header.dropFirst("Bearer ".count))) }
        state.withLock { $0.challenges[host] = challenge }
        let scope = [request.scope, challenge.scope].compactMap { $0 }.joined(separator: " ")
        let (retryHeader, retryKey) = try await authorization(host: host, scope: scope.isEmpty ? nil : scope)
        // Credentials that were just refused would be refused again.
        guard let retryHeader, retryKey != nil || retryHeader != header else { return response }
        await response.drain()
        request.setHeader("Authorization", retryHeader)
        return try await next.send(request)
    }

    /// The header for `host` and `scope`, from what the host asked for before; nil when it never did.
    private func authorization(host: String, scope: String?) async throws -> (String?, TokenKey?) {
        guard let challenge = state.withLock({ $0.challenges[host] }) else { return (nil, nil) }
        if challenge.isBasic {
            guard let creds = try credentialsFor(host) else {
                throw XArchError(.authentication, "\(host) requires a user name and password; run `xarch login \(host)`")
            }
            return (try BasicAuth.headerValue(for: creds), nil)
        }
        guard challenge.isBearer else {
            throw XArchError(.authentication, "\(host) asks for \(challenge.scheme) authentication, which xarch does not support")
        }
        if case .registryToken(let token) = TokenGrant.choose(for: try credentialsFor(host)) {
            return ("Bearer \(token)", nil)
        }
        let scopes = try scope.map { try RegistryScope.parseList($0) } ?? []
        let key = TokenKey(registry: host, service: challenge.service, scopes: scopes)
        let token = try await tokens.token(for: key)
        return ("Bearer \(token.token)", key)
    }

    private func credentialsFor(_ host: String) throws -> RegistryCredentials? {
        if let given = explicit[host] { return given }
        if let cached = state.withLock({ $0.credentialCache[host] }) { return cached }
        let found = try credentials?.credentials(for: host)
        state.withLock { $0.credentialCache[host] = .some(found) }
        return found
    }

    /// GET (or POST, for refresh tokens) the realm named by the host's challenge.
    private func fetchToken(_ key: TokenKey) async throws -> CachedToken {
        guard let challenge = state.withLock({ $0.challenges[key.registry] }), let realm = challenge.realm else {
            throw XArchError(.authentication, "\(key.registry) asked for a token without naming a realm")
        }
        let usesTLS = !state.withLock { $0.plainHosts.contains(key.registry) }
        _ = try TokenRequest.validatedRealm(realm, registryUsesTLS: usesTLS)
        var request: RegistryRequest
        switch TokenGrant.choose(for: try credentialsFor(key.registry)) {
        case .refreshToken(let refresh):
            let form = TokenRequest.refreshTokenForm(refreshToken: refresh, service: challenge.service, scopes: key.scopes)
            request = RegistryRequest(method: "POST", url: realm, headers: [("Content-Type", TokenRequest.formContentType)],
                                      body: .bytes(Array(form.utf8)))
        case .basic(let user, let password):
            let url = try TokenRequest.url(realm: realm, service: challenge.service, scopes: key.scopes, account: user,
                                           registryUsesTLS: usesTLS)
            request = RegistryRequest(method: "GET", url: url.absoluteString,
                                      headers: [("Authorization", try BasicAuth.headerValue(username: user, password: password))])
        case .anonymous, .registryToken:
            let url = try TokenRequest.url(realm: realm, service: challenge.service, scopes: key.scopes, registryUsesTLS: usesTLS)
            request = RegistryRequest(method: "GET", url: url.absoluteString)
        }
        let response = try await next.send(request)
        guard response.status == 200 else {
            await response.drain()
            let hint = response.status == 401 ? "; check the credentials (`xarch login \(key.registry)`)" : ""
            throw XArchError(.authentication, "the token server of \(key.registry) refused a token for \(key.scopes.map(\.description).joined(separator: " ")) (HTTP \(response.status))\(hint)")
        }
        let body: [UInt8]
        do {
            body = try await response.body.collect(limit: TokenResponse.maximumBodySize)
        } catch let error as XArchError where error.code == .tooLarge {
            throw XArchError(.authentication, "the token server of \(key.registry) at \(Redaction.url(request.url)) answered with more than \(TokenResponse.maximumBodySize) bytes; a token answer is a small JSON document", cause: error)
        }
        return CachedToken(try TokenResponse.decode(body), receivedAt: Date())
    }
}
