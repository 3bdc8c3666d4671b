import Foundation

/// How `auths` and `credHelpers` keys are matched to a registry, the way docker does it
/// (docker/cli `credentials.ConvertToHostname`, `fileStore.Get`; `registry.IndexServer` for Docker Hub):
///
/// - a key may be a bare host (`ghcr.io`, `localhost:5000`), a URL (`https://ghcr.io`,
///   `http://localhost:5000/v2/`) or a host with a path (`quay.io/org`): all reduce to the host with
///   its port, compared case-insensitively;
/// - Docker Hub is filed under `https://index.docker.io/v1/`; `docker.io`, `index.docker.io` and
///   `registry-1.docker.io` all mean it;
/// - an exact key wins over a normalized match, and normalized matches are taken in sorted order, so
///   the choice never depends on dictionary order.
extension DockerConfig {
    /// The host (and port) a key or registry names, lowercased: `https://GHCR.io/v2/` → `ghcr.io`,
    /// `quay.io/org/repo` → `quay.io`, `http://user@[::1]:5000` → `[::1]:5000`.
    public static func hostname(fromKey key: String) -> String {
        var text = Substring(key.trimmingCharacters(in: .whitespaces))
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        if let end = text.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { text = text[..<end] }
        if let at = text.lastIndex(of: "@") { text = text[text.index(after: at)...] }
        return text.lowercased()
    }

    /// Whether `registry` (a host, key or URL) names Docker Hub.
    public static func isDockerHub(_ registry: String) -> Bool {
        dockerHubHosts.contains(hostname(fromKey: registry))
    }

    /// The key docker files credentials for `registry` under, and the server URL it gives credential
    /// helpers: `https://index.docker.io/v1/` for Docker Hub, the host (with port) otherwise.
    public static func serverAddress(for registry: String) -> String {
        isDockerHub(registry) ? dockerHubKey : hostname(fromKey: registry)
    }

    /// The keys among `keys` that apply to `registry`, best first: the exact server address, the
    /// registry exactly as given, then every key naming the same host (Docker Hub aliases included),
    /// sorted.
    public static func matchingKeys(in keys: [String], for registry: String) -> [String] {
        let address = serverAddress(for: registry)
        let target = canonicalHost(hostname(fromKey: registry))
        guard !target.isEmpty else { return [] }
        var result: [String] = []
        for exact in [address, registry] where keys.contains(exact) && !result.contains(exact) {
            result.append(exact)
        }
        let rest = keys.filter { key in
            !result.contains(key) && canonicalHost(hostname(fromKey: key)) == target
        }
        return result + rest.sorted()
    }

    /// Docker Hub's host names collapse to `docker.io`; every other host is itself.
    private static func canonicalHost(_ host: String) -> String {
        dockerHubHosts.contains(host) ? "docker.io" : host
    }
}
