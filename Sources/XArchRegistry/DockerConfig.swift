import Foundation
import XArchModel

/// The docker CLI configuration file, `config.json` (docker/cli `cli/config/configfile`), as far as
/// credentials go: `auths`, `credHelpers`, `credsStore`.
///
/// The whole document is kept as JSON values, so that writing credentials back changes only the
/// entry written and every other field (`proxies`, `HttpHeaders`, plugin settings, fields of newer
/// docker versions) survives. Field names are matched exactly first and then case-insensitively, as
/// Go's `encoding/json` does when docker reads the file.
public struct DockerConfig: Sendable, Hashable {
    /// The whole file.
    public var document: [String: JSONValue]

    /// The key docker files Docker Hub credentials under (docker/cli `registry.IndexServer`).
    public static let dockerHubKey = "https://index.docker.io/v1/"
    /// Host names that all mean Docker Hub: `docker.io` in references, `index.docker.io` (the legacy
    /// index), `registry-1.docker.io` (the API endpoint).
    public static let dockerHubHosts: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    /// A configuration with the given document.
    public init(document: [String: JSONValue] = [:]) { self.document = document }

    /// Parses `config.json`. An empty (or all-whitespace) file is an empty configuration, as docker
    /// treats it; anything else must be a JSON object.
    public static func decode(_ data: Data) throws -> DockerConfig {
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return DockerConfig() }
        do {
            return DockerConfig(document: try JSONDecoder().decode([String: JSONValue].self, from: data))
        } catch {
            throw XArchError(.credentials, "the file is not a JSON object; fix its syntax or remove it", cause: error)
        }
    }

    /// The document as indented JSON with sorted keys and a final newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(0x0A)
        return data
    }

    // MARK: Reading

    /// `credsStore`: the default credential helper suffix (`desktop`, `osxkeychain`, `pass`, …).
    public var credentialsStore: String? {
        guard case .string(let name)? = Self.field(document, "credsStore"), !name.isEmpty else { return nil }
        return name
    }

    /// `credHelpers`: helper suffix per registry key.
    public var credentialHelpers: [String: String] {
        guard case .object(let helpers)? = Self.field(document, "credHelpers") else { return [:] }
        return helpers.compactMapValues { value in
            if case .string(let name) = value, !name.isEmpty { return name }
            return nil
        }
    }

    /// `auths`: the raw entries per key.
    public var authEntries: [String: [String: JSONValue]] {
        guard case .object(let auths)? = Self.field(document, "auths") else { return [:] }
        return auths.compactMapValues { value in
            if case .object(let entry) = value { return entry }
            return nil
        }
    }

    /// The helper that serves `registry`: its `credHelpers` entry (matched like `auths` keys), else
    /// `credsStore`, else `nil` (docker/cli `getConfiguredCredentialStore`).
    public func helperName(for registry: String) -> String? {
        let helpers = credentialHelpers
        if let key = Self.matchingKeys(in: Array(helpers.keys), for: registry).first, let name = helpers[key] {
            return name
        }
        return credentialsStore
    }

    /// The credentials stored inline in `auths` for `registry`: the first matching key (see
    /// `matchingKeys`) whose entry holds a secret. Throws for an `auth` field that is not base64 of
    /// `user:password`, naming the key.
    public func inlineCredentials(for registry: String) throws -> RegistryCredentials? {
        let entries = authEntries
        for key in Self.matchingKeys(in: Array(entries.keys), for: registry) {
            guard let entry = entries[key] else { continue }
            let credentials = try Self.credentials(from: entry, key: key)
            if !credentials.isEmpty { return credentials }
        }
        return nil
    }

    /// The credentials of one `auths` entry (docker/cli `types.AuthConfig`): `auth` is
    /// base64(`user:password`), split at the first `:` (the password may contain more); it takes
    /// precedence over `username`/`password`. `identitytoken` and `registrytoken` are read as they are.
    static func credentials(from entry: [String: JSONValue], key: String) throws -> RegistryCredentials {
        func string(_ name: String) -> String? {
            if case .string(let value)? = field(entry, name), !value.isEmpty { return value }
            return nil
        }
        var username = string("username")
        var password = string("password")
        if let auth = string("auth") {
            (username, password) = try decodeAuth(auth, key: key)
        }
        return RegistryCredentials(username: username, password: password,
                                   identityToken: string("identitytoken"), registryToken: string("registrytoken"))
    }

    /// Decodes `auth` (standard base64, padding optional) into user name and password. A trailing
    /// NUL padding of the password is dropped, as docker does.
    static func decodeAuth(_ auth: String, key: String) throws -> (String, String) {
        var text = auth.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count % 4 != 0 { text += String(repeating: "=", count: 4 - text.count % 4) }
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else {
            throw XArchError(.credentials, "the \"auth\" field of the entry \"\(key)\" is not valid base64; "
                                 + "log in to \(key) again or remove the entry")
        }
        guard let colon = decoded.firstIndex(of: ":"), colon != decoded.startIndex else {
            throw XArchError(.credentials, "the \"auth\" field of the entry \"\(key)\" is not of the form "
                                 + "user:password; log in to \(key) again or remove the entry")
        }
        let password = decoded[decoded.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: "\0"))
        return (String(decoded[..<colon]), password)
    }

    /// A field of a JSON object by name: the exact name if present, else the first name equal to it
    /// ignoring case (in sorted order, so the choice is stable).
    static func field(_ object: [String: JSONValue], _ name: String) -> JSONValue? {
        if let exact = object[name] { return exact }
        let lowered = name.lowercased()
        guard let key = object.keys.filter({ $0.lowercased() == lowered }).min() else { return nil }
        return object[key]
    }

    /// The name of a field as present in `object` (exact, else ignoring case), or `nil`.
    static func existingFieldName(_ object: [String: JSONValue], _ name: String) -> String? {
        if object[name] != nil { return name }
        let lowered = name.lowercased()
        return object.keys.filter { $0.lowercased() == lowered }.min()
    }
}
