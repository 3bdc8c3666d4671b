/// Credentials for one registry, as docker stores them (docker/cli `types.AuthConfig`): a user name
/// and password, an identity token (an OAuth2 refresh token; docker-credential-helpers report it with
/// the user name `<token>`), or a registry token (a bearer token sent to the registry as is).
///
/// `description`, `debugDescription` and the mirror used by `dump` never contain a secret: only the
/// user name and which secrets are present.
public struct RegistryCredentials: Sendable, Hashable {
    /// The user name, if any.
    public var username: String?
    /// The password (or personal access token used as a password).
    public var password: String?
    /// An OAuth2 refresh token for the registry's token server (docker `identitytoken`).
    public var identityToken: String?
    /// A bearer token to send to the registry itself (docker `registrytoken`).
    public var registryToken: String?

    /// The user name docker-credential-helpers use to mark the secret as an identity token.
    public static let identityTokenUsername = "<token>"

    /// Credentials; empty strings count as absent.
    public init(username: String? = nil, password: String? = nil, identityToken: String? = nil,
                registryToken: String? = nil) {
        self.username = username.flatMap { $0.isEmpty ? nil : $0 }
        self.password = password.flatMap { $0.isEmpty ? nil : $0 }
        self.identityToken = identityToken.flatMap { $0.isEmpty ? nil : $0 }
        self.registryToken = registryToken.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether nothing usable is set (a user name alone is not a credential).
    public var isEmpty: Bool { password == nil && identityToken == nil && registryToken == nil }
}

extension RegistryCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `RegistryCredentials(username: alice, password: <redacted>)`: never a secret.
    public var description: String {
        var parts = ["username: \(username ?? "<none>")"]
        if password != nil { parts.append("password: <redacted>") }
        if identityToken != nil { parts.append("identityToken: <redacted>") }
        if registryToken != nil { parts.append("registryToken: <redacted>") }
        return "RegistryCredentials(\(parts.joined(separator: ", ")))"
    }

    /// Same as `description`.
    public var debugDescription: String { description }

    /// A mirror that shows which secrets are present but not their values, for `dump` and debuggers.
    public var customMirror: Mirror {
        func mark(_ value: String?) -> String { value == nil ? "<none>" : "<redacted>" }
        return Mirror(self, children: [
            "username": username ?? "<none>",
            "password": mark(password),
            "identityToken": mark(identityToken),
            "registryToken": mark(registryToken),
        ], displayStyle: .struct)
    }
}
