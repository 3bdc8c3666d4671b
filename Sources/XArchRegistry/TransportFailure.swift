import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import XArchModel

/// Turns transport errors into one clear `XArchError` sentence naming the host.
enum TransportFailure {
    static func classify(_ error: any Error, url: String) -> XArchError {
        if let x = error as? XArchError { return x }
        let host = Redaction.host(of: url)
        if error is NIOSSLError || error is BoringSSLError || "\(error)".contains("handshake") {
            return XArchError(.tls, "TLS with \(host) failed (\(short(error))); trust its CA with --ca-cert FILE, or use --insecure \(host) to skip verification", cause: error)
        }
        if let status = error as? InvalidStatusCode {
            // Not a network failure (not retried): the server speaks something that is not HTTP.
            return XArchError(.registry, "\(host) answered with the invalid HTTP status \(status.code) (valid codes are 100–599); is it a registry?", cause: error)
        }
        if let http = error as? HTTPClientError {
            switch http {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return XArchError(.network, "request to \(host) timed out", cause: error)
            case .remoteConnectionClosed, .cancelled:
                return XArchError(.network, "\(host) closed the connection", cause: error)
            default:
                break
            }
        }
        // NIO's DNS failure reads "DNS error: SocketAddressError.UnknownHost: … for host H, port P".
        if let connection = error as? NIOConnectionError, connection.connectionErrors.isEmpty,
           connection.dnsAError != nil || connection.dnsAAAAError != nil {
            return XArchError(.network, "cannot reach \(host): the name \(connection.host) does not resolve (DNS); check the registry name and the network", cause: error)
        }
        if error is NIOConnectionError || error is IOError || error is ChannelError {
            let what = "\(error)".contains("refused") ? "connection refused; is the registry running?" : short(error)
            return XArchError(.network, "cannot reach \(host): \(what)", cause: error)
        }
        return XArchError(.network, "request to \(host) failed: \(short(error))", cause: error)
    }

    private static func short(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
