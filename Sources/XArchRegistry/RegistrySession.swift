import Synchronization
import Foundation
import XArchContent
import XArchModel

/// Options of a registry session: which hosts are plain HTTP or skip certificate checks, extra CAs,
/// credentials, logging (loopback registries may be plain HTTP; every other host is HTTPS unless told).
public struct RegistryOptions: Sendable {
    /// Hosts spoken to over plain HTTP (`--plain-http`). Loopback registries may be plain HTTP anyway.
    public var plainHTTPHosts: Set<String> = []
    /// Hosts whose TLS certificates are not verified (`--insecure`).
    public var insecureHosts: Set<String> = []
    /// PEM CA certificates trusted in addition to the system's (`--ca-cert`).
    public var caCertificates: [String] = []
    /// Where credentials come from; nil means anonymous only.
    public var credentials: CredentialStore?
    /// Credentials given directly (by `xarch login` before storing them), by registry host; they win
    /// over `credentials`.
    public var explicitCredentials: [String: RegistryCredentials] = [:]
    public var retry = RetryPolicy()
    public var limits = RegistryLimits()
    /// How slow a registry may be (`XARCH_REQUEST_TIMEOUT`, `XARCH_MIN_TRANSFER`).
    /// `XARCH_REQUEST_TIMEOUT` and `XARCH_MIN_TRANSFER` when set (and valid), else the defaults.
    public var timeouts = RegistryTimeouts.fromEnvironment
    /// Log each request to standard error (`--debug`).
    public var debug = false
    public var connectionsPerHost = 8
    public var userAgent = "xarch/0.2"

    public init() {}
}

/// Everything shared by the repositories one command talks to: the HTTP clients, the token cache, the
/// request counter. Create one per command and `shutdown()` it at the end.
public final class RegistrySession: Sendable {
    public let options: RegistryOptions
    public let counter = RequestCounter()
    let http: HTTPClientTransport
    let transport: any RegistryTransport

    public init(options: RegistryOptions = RegistryOptions()) {
        self.options = options
        http = HTTPClientTransport(caCertificates: options.caCertificates, insecureHosts: options.insecureHosts,
                                   connectionsPerHost: options.connectionsPerHost, timeouts: options.timeouts)
        let logged = LoggingTransport(http, counter: counter, debug: options.debug)
        let schemes = SchemeFallbackTransport(logged)
        let redirects = RedirectTransport(schemes)
        let retries = RetryTransport(redirects, policy: options.retry)
        let auth = AuthTransport(retries, credentials: options.credentials, explicit: options.explicitCredentials)
        transport = UserAgentTransport(auth, userAgent: options.userAgent)
    }

    /// A client for the repository of `reference`.
    public func repository(_ reference: ImageReference) -> RegistryClient {
        RegistryClient(registry: reference.registry, repository: reference.repository,
                       baseURL: baseURL(for: reference), transport: transport, counter: counter,
                       limits: options.limits)
    }

    /// `https://HOST`, or `http://HOST` for loopback and `--plain-http` hosts; Docker Hub's API host.
    func baseURL(for reference: ImageReference) -> String {
        let host = reference.registry == ImageReference.defaultRegistry ? "registry-1.docker.io" : reference.registry
        let bare = String(host.split(separator: ":").first ?? "")
        let plain = options.plainHTTPHosts.contains(host) || options.plainHTTPHosts.contains(bare) || reference.isLoopback
        return (plain ? "http://" : "https://") + host
    }

    public func shutdown() async { await http.shutdown() }

    /// `GET /v2/` (distribution-spec "Determining support"), authenticating as needed: succeeds when
    /// the registry accepts the session's credentials.
    public func ping(_ registry: String) async throws {
        let reference = try ImageReference(parsing: "\(registry)/xarch-ping")
        let base = baseURL(for: reference)
        let response = try await transport.send(RegistryRequest(method: "GET", url: base + "/v2/"))
        await response.drain()
        switch response.status {
        case 200: return
        case 401, 403:
            throw XArchError(.authentication, "\(registry) refused the credentials (HTTP \(response.status))",
                             cause: RegistryFailure(status: response.status, method: "GET", url: Redaction.url(base + "/v2/")))
        default:
            throw XArchError(.registry, "\(registry) answered HTTP \(response.status) to GET /v2/; is it an OCI registry?",
                             cause: RegistryFailure(status: response.status, method: "GET", url: Redaction.url(base + "/v2/")))
        }
    }
}

/// Loopback registries are tried over plain HTTP first; when one answers that it speaks HTTPS (Go's
/// "Client sent an HTTP request to an HTTPS server"), that host is switched to https for the session.
final class SchemeFallbackTransport: RegistryTransport, Sendable {
    private let next: any RegistryTransport
    private let httpsHosts = Mutex<Set<String>>([])

    init(_ next: any RegistryTransport) { self.next = next }

    func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        var request = request
        let host = Redaction.host(of: request.url)
        if request.url.hasPrefix("http://"), httpsHosts.withLock({ $0.contains(host) }) {
            request.url = "https://" + request.url.dropFirst("http://".count)
        }
        let response = try await next.send(request)
        guard response.status == 400, request.url.hasPrefix("http://"), request.isReplayable else { return response }
        let body = (try? await response.body.collect(limit: 4096)) ?? []
        var speaksHTTPS = Self.saysHTTPS(body)
        if !speaksHTTPS, request.method == "HEAD" || body.isEmpty {
            // The answer to a HEAD has no body to say it (and a copy starts with HEAD): ask GET /v2/.
            speaksHTTPS = await probe(request)
        }
        guard speaksHTTPS else {
            return RegistryResponse(status: response.status, headers: response.headers,
                                    body: ByteStream(bytes: body), url: response.url)
        }
        httpsHosts.withLock { _ = $0.insert(host) }
        request.url = "https://" + request.url.dropFirst("http://".count)
        return try await next.send(request)
    }

    static func saysHTTPS(_ body: [UInt8]) -> Bool { String(decoding: body, as: UTF8.self).contains("HTTPS server") }

    /// Whether `GET http://HOST/v2/` is answered with Go's "HTTP request to an HTTPS server" 400.
    private func probe(_ request: RegistryRequest) async -> Bool {
        guard var components = URLComponents(string: request.url) else { return false }
        components.path = "/v2/"
        components.query = nil
        components.fragment = nil
        guard let url = components.string else { return false }
        let headers = request.headers.filter { $0.0.caseInsensitiveEquals("User-Agent") }
        guard let response = try? await next.send(RegistryRequest(method: "GET", url: url, headers: headers)) else {
            return false
        }
        let body = (try? await response.body.collect(limit: 4096)) ?? []
        return response.status == 400 && Self.saysHTTPS(body)
    }
}
