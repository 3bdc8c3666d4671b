import AsyncHTTPClient
import Foundation
import Synchronization
import NIOCore
import NIOHTTP1
import NIOSSL
import XArchContent
import XArchModel

/// The bottom layer: sends a request with async-http-client, follows no redirects (the redirect layer
/// does, so it can drop credentials), streams bodies both ways.
///
/// Owns two `HTTPClient`s created on demand: one verifying certificates (with extra CA certificates),
/// one for hosts the user marked `--insecure`. The caller shuts it down with `shutdown()`.
public final class HTTPClientTransport: RegistryTransport, Sendable {
    /// The clients made so far (HTTPClient itself is thread-safe).
    private struct Clients {
        var verifying: HTTPClient?
        var insecure: HTTPClient?
    }
    private let clients = Mutex(Clients())
    private let caCertificates: [String]
    private let insecureHosts: Set<String>
    private let connectionsPerHost: Int
    private let timeouts: RegistryTimeouts

    /// - Parameters:
    ///   - caCertificates: PEM files trusted in addition to the system roots.
    ///   - insecureHosts: `host[:port]` values whose certificates are not verified.
    ///   - timeouts: the overall deadline of small requests and the minimum rate of downloads.
    public init(caCertificates: [String] = [], insecureHosts: Set<String> = [], connectionsPerHost: Int = 8,
                timeouts: RegistryTimeouts = RegistryTimeouts()) {
        self.caCertificates = caCertificates
        self.insecureHosts = insecureHosts
        self.connectionsPerHost = connectionsPerHost
        self.timeouts = timeouts
    }

    public func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        let client = try client(forHost: try Self.checkTarget(request.url))
        var http = HTTPClientRequest(url: request.url)
        http.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        var pace: UploadPace?
        switch request.body {
        case .none: break
        case .bytes(let bytes): http.body = .bytes(ByteBuffer(bytes: bytes))
        case .stream(let stream, let length):
            // A streamed upload (a blob) is judged by rate, as downloads are: see `UploadPace`.
            let rule = UploadPace(timeouts: timeouts, url: request.url)
            pace = rule
            http.body = .stream(rule.pacing(stream).map { ByteBuffer(bytes: $0) }, length: .known(length))
        }
        // A download's head is small too: only its body is judged by rate.
        let seconds = request.pace == .throughput ? timeouts.request : request.deadline ?? timeouts.request
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            let deadline = NIODeadline.now() + .milliseconds(Int64(seconds * 1000))
            if let pace {
                let request = http
                response = try await pace.enforce { try await client.execute(request, deadline: deadline) }
            } else {
                response = try await client.execute(http, deadline: deadline)
            }
        } catch let error as XArchError where error.code == .tooSlow {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw XArchError(.tooSlow, "\(Redaction.url(request.url)) did not answer within \(seconds) s; the registry is too slow (raise \(RegistryTimeouts.requestVariable) to wait longer)", cause: error)
        } catch {
            throw TransportFailure.classify(error, url: request.url)
        }
        let headers = response.headers.map { ($0.name, $0.value) }
        let body = response.body
        let url = request.url
        let rule: PacedBody.Rule = request.pace == .throughput
            ? .throughput(minimumBytes: timeouts.minimumBytes, window: timeouts.window)
            : .by(started + .milliseconds(Int64(seconds * 1000)), seconds: seconds)
        let stream = ByteStream {
            let paced = PacedBody(body.makeAsyncIterator(), rule: rule, url: url)
            return {
                do {
                    guard let buffer = try await paced.next() else { return nil }
                    return Array(buffer.readableBytesView)
                } catch {
                    throw TransportFailure.classify(error, url: url)
                }
            }
        }
        return RegistryResponse(status: Int(response.status.code), headers: headers, body: stream, url: request.url)
    }

    /// Shuts the clients down; call once when done.
    public func shutdown() async {
        let made = clients.withLock { clients -> [HTTPClient] in
            defer { clients = Clients() }
            return [clients.verifying, clients.insecure].compactMap { $0 }
        }
        for client in made { try? await client.shutdown() }
    }

    /// Refuses a URL async-http-client cannot send to (another scheme, no host, a port outside TCP's
    /// range) with a sentence naming it. Such URLs come from outside — an upload's `Location`, a `Link`
    /// page (RFC 8288) — and would otherwise surface as the library's `unsupportedScheme("file")` or
    /// `emptyHost` in "request to  failed", or trap in NIO's socket address conversion.
    /// Returns the URL's `host[:port]`, which picks the client (`insecureHosts`).
    @discardableResult
    static func checkTarget(_ url: String) throws -> String {
        let components = URLComponents(string: url)
        let scheme = components?.scheme?.lowercased()
        guard let components, scheme == "http" || scheme == "https" else {
            throw XArchError(.registry, "xarch was sent to \"\(Redaction.url(url))\", which is not an http or https URL; "
                             + "a registry named it in a Location or Link header, and xarch only follows http(s)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw XArchError(.registry, "xarch was sent to \"\(Redaction.url(url))\", which names no host; "
                             + "a registry named it in a Location or Link header")
        }
        guard let port = components.port else { return host }
        guard (1...65535).contains(port) else {
            throw XArchError(.registry, "xarch was sent to \"\(Redaction.url(url))\", whose port \(port) is not a TCP port (1–65535)")
        }
        return "\(host):\(port)"
    }

    /// The client for `host` (`host[:port]`, from `checkTarget`): the verifying one, or the one for
    /// `insecureHosts`.
    private func client(forHost host: String) throws -> HTTPClient {
        let isInsecure = insecureHosts.contains(host) || insecureHosts.contains(String(host.split(separator: ":").first ?? ""))
        return clients.withLock { clients in
            if isInsecure, let insecure = clients.insecure { return insecure }
            if !isInsecure, let verifying = clients.verifying { return verifying }
            var tls = TLSConfiguration.makeClientConfiguration()
            if isInsecure {
                tls.certificateVerification = .none
            } else if !caCertificates.isEmpty {
                tls.additionalTrustRoots = caCertificates.map { .file($0) }
            }
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: tls, redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(15), read: .seconds(120)))
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
            // Our retry layer owns retries; the pool would otherwise retry a refused connect until the deadline.
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.httpVersion = .http1Only
            // A status outside 100–599 traps inside async-http-client: refuse it before it gets there.
            configuration.http1_1ConnectionDebugInitializer = StatusLineGuard.install
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            if isInsecure { clients.insecure = client } else { clients.verifying = client }
            return client
        }
    }
}
