import Foundation
import XArchModel

/// Follows redirects (blob downloads are often redirected to object storage), at most `limit` hops.
///
/// `Authorization` is never sent to another host than the one it was made for, and a redirect from
/// `https` to `http` is refused, so credentials never leak to a third party or onto the wire in clear.
public struct RedirectTransport: RegistryTransport {
    let next: any RegistryTransport
    let limit: Int

    public init(_ next: any RegistryTransport, limit: Int = 5) {
        self.next = next
        self.limit = limit
    }

    public func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        var current = request
        for _ in 0...limit {
            let response = try await next.send(current)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location") else {
                return response
            }
            await response.drain()
            guard let target = URL(string: location, relativeTo: URL(string: current.url))?.absoluteURL,
                  let from = URL(string: current.url) else {
                throw XArchError(.registry, "\(Redaction.host(of: current.url)) sent an invalid redirect")
            }
            if let port = target.port, !(1...65535).contains(port) {
                throw XArchError(.registry, "\(Redaction.host(of: current.url)) redirected to port \(port), which is not a TCP port (1–65535)")
            }
            if let scheme = target.scheme, scheme != "http", scheme != "https" {
                throw XArchError(.registry, "\(Redaction.host(of: current.url)) redirected to a \(scheme): URL; only http and https are followed")
            }
            if target.host?.isEmpty ?? true {
                throw XArchError(.registry, "\(Redaction.host(of: current.url)) redirected to \"\(Redaction.url(location))\", which names no host")
            }
            if from.scheme == "https", target.scheme != "https" {
                throw XArchError(.registry, "\(Redaction.host(of: current.url)) redirected from https to \(target.scheme ?? "?"); refusing the downgrade")
            }
            if Redaction.hostAndPort(from) != Redaction.hostAndPort(target) {
                current.removeHeader("Authorization")
            }
            if response.status == 303 { current.method = current.method == "HEAD" ? "HEAD" : "GET"; current.body = .none }
            // A streamed body was consumed by the first attempt and cannot follow the redirect.
            guard current.isReplayable else {
                throw XArchError(.registry, "\(Redaction.host(of: current.url)) redirected a streamed upload, which cannot be sent twice")
            }
            current.url = target.absoluteString
        }
        throw XArchError(.registry, "too many redirects from \(Redaction.host(of: request.url))")
    }
}
