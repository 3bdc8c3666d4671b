import Foundation
import XArchModel

/// Registry credentials the way docker keeps them (design, "References and transports"):
/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, with `auths`, `credHelpers` and
/// `credsStore` (docker/cli `cli/config`, `configfile.GetAuthConfig`).
///
/// Lookup for a registry:
/// 1. the helper named by its `credHelpers` entry, else by `credsStore`, if any: its answer wins;
///    a helper that is not installed or has nothing stored gives no credentials and no error;
/// 2. then the inline `auths` entry (docker ignores it once a helper is configured; xarch falls back
///    to it, since a stored secret there is unambiguous);
/// 3. otherwise `nil`: anonymous access.
public struct CredentialStore: Sendable {
    /// Where credentials were written by `store(_:for:)`.
    public enum Location: Sendable, Hashable, CustomStringConvertible {
        /// In the credential helper `docker-credential-NAME`.
        case helper(String)
        /// Inline in this `config.json`.
        case file(String)

        /// For `xarch login` output: the helper program or the file path.
        public var description: String {
            switch self {
            case .helper(let name): return "credential helper docker-credential-\(name)"
            case .file(let path): return path
            }
        }
    }

    /// The `config.json` read and written.
    public let configPath: String
    /// The environment: `DOCKER_CONFIG` and `HOME` when no path is given, and `PATH` (plus everything
    /// else, for the helper itself) for credential helpers.
    public let environment: [String: String]
    /// How long a credential helper may take for one operation. Helpers may call a cloud API
    /// (`ecr-login`, `gcloud`) or wait for a keychain prompt, so the default is generous.
    public let helperTimeout: TimeInterval

    /// The default helper timeout: 60 seconds.
    public static let defaultHelperTimeout: TimeInterval = 60

    /// A store over `configPath`, or when `nil` over `$DOCKER_CONFIG/config.json` or
    /// `$HOME/.docker/config.json` taken from `environment`.
    public init(configPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                helperTimeout: TimeInterval = CredentialStore.defaultHelperTimeout) {
        self.configPath = configPath ?? Self.defaultConfigPath(environment: environment)
        self.environment = environment
        self.helperTimeout = helperTimeout
    }

    /// `$DOCKER_CONFIG/config.json` if `DOCKER_CONFIG` is set and not empty, else
    /// `$HOME/.docker/config.json` (docker/cli `config.Dir`).
    public static func defaultConfigPath(environment: [String: String]) -> String {
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty {
            return (directory as NSString).appendingPathComponent("config.json")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return ((home as NSString).appendingPathComponent(".docker") as NSString).appendingPathComponent("config.json")
    }

    /// The credentials for `registry` (`ghcr.io`, `localhost:5000`, `docker.io`, or a config key such
    /// as `https://index.docker.io/v1/`), or `nil` for anonymous access.
    public func credentials(for registry: String) throws -> RegistryCredentials? {
        try checkRegistry(registry)
        guard let config = try DockerConfig.load(path: configPath) else { return nil }
        if let name = config.helperName(for: registry),
           let found = try helper(name).get(serverURL: DockerConfig.serverAddress(for: registry)) {
            return found
        }
        do {
            return try config.inlineCredentials(for: registry)
        } catch let error as XArchError {
            throw XArchError(.credentials, "The docker configuration \(configPath) cannot be used: \(error.message).")
        }
    }

    /// Stores `credentials` for `registry` (`xarch login`): in the credential helper that applies,
    /// else inline in `config.json`, written atomically with every other field kept.
    @discardableResult
    public func store(_ credentials: RegistryCredentials, for registry: String) throws -> Location {
        try checkRegistry(registry)
        let config = try DockerConfig.load(path: configPath) ?? DockerConfig()
        if let name = config.helperName(for: registry) {
            try helper(name).store(credentials, serverURL: DockerConfig.serverAddress(for: registry))
            return .helper(name)
        }
        try config.storing(credentials, for: registry).write(to: configPath)
        return .file(configPath)
    }

    /// Removes the credentials for `registry` (`xarch logout`): from the helper that applies, and
    /// every inline `auths` entry for it. The file is rewritten only if an entry was removed.
    public func erase(for registry: String) throws {
        try checkRegistry(registry)
        guard let config = try DockerConfig.load(path: configPath) else { return }
        if let name = config.helperName(for: registry) {
            try helper(name).erase(serverURL: DockerConfig.serverAddress(for: registry))
        }
        if let updated = try config.removingCredentials(for: registry) {
            try updated.write(to: configPath)
        }
    }

    private func helper(_ name: String) -> CredentialHelper {
        CredentialHelper(name: name, environment: environment, timeout: helperTimeout)
    }

    private func checkRegistry(_ registry: String) throws {
        guard !DockerConfig.hostname(fromKey: registry).isEmpty else {
            throw XArchError(.credentials, "\"\(registry)\" does not name a registry host; give one such as ghcr.io.")
        }
    }
}
