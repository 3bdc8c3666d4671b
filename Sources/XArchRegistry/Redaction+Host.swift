import Foundation

extension Redaction {
    /// `host[:port]` of a URL string, for messages (never userinfo, path or query).
    static func host(of url: String) -> String {
        guard let u = URL(string: url) else { return "the registry" }
        return hostAndPort(u)
    }

    static func hostAndPort(_ url: URL) -> String {
        let host = url.host ?? ""
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return url.port.map { "\(shown):\($0)" } ?? shown
    }
}
