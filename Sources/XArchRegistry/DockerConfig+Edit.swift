import Foundation
import XArchModel

/// Changes to the `auths` of a `DockerConfig`, each returning a new value and touching nothing but
/// the entries it names (style rule 8).
extension DockerConfig {
    /// The secret-bearing fields of an `auths` entry (docker/cli `types.AuthConfig`).
    static let secretFields = ["auth", "username", "password", "identitytoken", "registrytoken"]

    /// This configuration with `credentials` written inline for `registry`, as `docker login` does
    /// without a helper: `auth` = base64(`user:password`), `identitytoken` and `registrytoken` when set.
    ///
    /// The entry goes under the key already used for this registry if there is one (so a file keyed
    /// `https://ghcr.io` does not get a second `ghcr.io` entry), else under `serverAddress(for:)`.
    /// Other fields of that entry (such as `email`) and of the file are kept.
    public func storing(_ credentials: RegistryCredentials, for registry: String) throws -> DockerConfig {
        if let username = credentials.username, username.contains(":") {
            throw XArchError(.credentials, "The user name contains ':', which the \"auth\" field of config.json "
                                 + "cannot represent; use a user name without a colon.")
        }
        guard !credentials.isEmpty else {
            throw XArchError(.credentials, "There is no password or token to store for \(registry).")
        }
        var auths = try editableAuths()
        let key = Self.matchingKeys(in: Array(auths.keys), for: registry).first ?? Self.serverAddress(for: registry)
        var entry: [String: JSONValue] = [:]
        if case .object(let existing)? = auths[key] { entry = Self.withoutSecrets(existing) }
        if credentials.username != nil || credentials.password != nil {
            let pair = "\(credentials.username ?? ""):\(credentials.password ?? "")"
            entry["auth"] = .string(Data(pair.utf8).base64EncodedString())
        }
        if let token = credentials.identityToken { entry["identitytoken"] = .string(token) }
        if let token = credentials.registryToken { entry["registrytoken"] = .string(token) }
        auths[key] = .object(entry)
        return setting(auths: auths)
    }

    /// This configuration without inline secrets for `registry` (`docker logout`): every matching
    /// entry is removed, or, when it holds other fields, stripped of its secret fields. `nil` when
    /// nothing matched, so the caller need not write the file.
    public func removingCredentials(for registry: String) throws -> DockerConfig? {
        guard case .object = Self.field(document, "auths") else { return nil }
        var auths = try editableAuths()
        let keys = Self.matchingKeys(in: Array(auths.keys), for: registry)
        guard !keys.isEmpty else { return nil }
        for key in keys {
            guard case .object(let entry)? = auths[key] else {
                auths[key] = nil
                continue
            }
            let rest = Self.withoutSecrets(entry)
            auths[key] = rest.isEmpty ? nil : .object(rest)
        }
        return setting(auths: auths)
    }

    /// The `auths` object to edit (empty if absent); refuses to overwrite an `auths` that is not an
    /// object, which is not ours to repair.
    private func editableAuths() throws -> [String: JSONValue] {
        switch Self.field(document, "auths") {
        case nil, .null?: return [:]
        case .object(let auths)?: return auths
        default:
            throw XArchError(.credentials, "The \"auths\" field of config.json is not an object; fix or remove it.")
        }
    }

    /// This configuration with `auths` replaced, under the field name the file already uses.
    private func setting(auths: [String: JSONValue]) -> DockerConfig {
        var copy = document
        copy[Self.existingFieldName(document, "auths") ?? "auths"] = .object(auths)
        return DockerConfig(document: copy)
    }

    /// `entry` without its secret fields, in any letter case.
    private static func withoutSecrets(_ entry: [String: JSONValue]) -> [String: JSONValue] {
        entry.filter { !secretFields.contains($0.key.lowercased()) }
    }
}
