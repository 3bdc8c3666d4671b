import Foundation
import XArchModel

/// The pure parts of a request to a token endpoint (distribution token spec, "Requesting a Token" for
/// the GET form and "OAuth2 Token" for the POST form): validating the challenge's realm, building the
/// GET URL, and building the POST body. No I/O.
public enum TokenRequest {
    /// The `client_id` xarch identifies itself with; the OAuth2 form requires one.
    public static let clientID = "xarch"
    /// The `Content-Type` of the POST body (RFC 6749 §4.3.2 and §6 send the form this way).
    public static let formContentType = "application/x-www-form-urlencoded; charset=utf-8"

    /// The realm of a Bearer challenge as a URL xarch may send credentials to.
    ///
    /// Refuses a realm that is not an absolute `http`/`https` URL with a host, one that carries
    /// userinfo, and an `http:` realm for a registry reached over https: following it would send
    /// the credentials in clear text (a downgrade). A fragment is dropped (RFC 3986 §3.5: never sent).
    public static func validatedRealm(_ realm: String, registryUsesTLS: Bool) throws -> URL {
        guard var components = URLComponents(string: realm),
              let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = components.host, !host.isEmpty else {
            throw XArchError(.authentication, "The registry named the token realm \"\(Redaction.url(realm))\", "
                                 + "which is not an http or https URL; xarch cannot request a token from it.")
        }
        guard components.user == nil, components.password == nil else {
            throw XArchError(.authentication, "The registry named a token realm with a user name or password in it "
                                 + "(\(Redaction.url(realm))); xarch refuses to use it.")
        }
        if registryUsesTLS, scheme == "http" {
            throw XArchError(.authentication, "The registry is reached over https but names the plain-http token realm "
                                 + "\(Redaction.url(realm)); xarch refuses to send credentials over http "
                                 + "(a downgrade). Fix the registry's token configuration.")
        }
        components.scheme = scheme
        components.fragment = nil
        guard let url = components.url else {
            throw XArchError(.authentication, "The token realm \(Redaction.url(realm)) is not a valid URL.")
        }
        return url
    }

    /// The GET URL of a token request: the realm, with its own query kept, plus `service`, one
    /// `scope` parameter per scope, and optionally `account` (the user name sent with Basic
    /// credentials) and `offline_token=true&client_id=xarch` (to ask for a refresh token).
    ///
    /// Values are percent-encoded with everything outside RFC 3986 §2.3 "unreserved" escaped, so
    /// `repository:o/r:pull,push` becomes `repository%3Ao%2Fr%3Apull%2Cpush`.
    public static func url(realm: String, service: String?, scopes: [RegistryScope], account: String? = nil,
                           offlineToken: Bool = false, registryUsesTLS: Bool) throws -> URL {
        let base = try validatedRealm(realm, registryUsesTLS: registryUsesTLS)
        var pairs: [(String, String)] = []
        if let service, !service.isEmpty { pairs.append(("service", service)) }
        for scope in RegistryScope.merge(scopes) { pairs.append(("scope", scope.description)) }
        if let account, !account.isEmpty { pairs.append(("account", account)) }
        if offlineToken {
            pairs.append(("offline_token", "true"))
            pairs.append(("client_id", clientID))
        }
        guard !pairs.isEmpty else { return base }
        let query = pairs.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
        let existing = base.query.map { $0.isEmpty ? "" : $0 + "&" } ?? ""
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)
        components?.percentEncodedQuery = existing + query
        guard let url = components?.url else {
            throw XArchError(.authentication, "The token URL for realm \(Redaction.url(realm)) could not be built.")
        }
        return url
    }

    /// The POST body (`application/x-www-form-urlencoded`) of an OAuth2 password grant
    /// (RFC 6749 §4.3.2): `grant_type=password`, `service`, `client_id`, `scope` (space-separated),
    /// `username`, `password`, and `access_type=offline` when a refresh token is wanted.
    public static func passwordForm(username: String, password: String, service: String?, scopes: [RegistryScope],
                                    offline: Bool = false) -> String {
        var fields = commonFields(grant: "password", service: service, scopes: scopes)
        fields.append(("username", username))
        fields.append(("password", password))
        if offline { fields.append(("access_type", "offline")) }
        return formEncode(fields)
    }

    /// The POST body of an OAuth2 refresh-token grant (RFC 6749 §6): `grant_type=refresh_token`,
    /// `service`, `client_id`, `scope`, `refresh_token`. Used with a docker identity token.
    public static func refreshTokenForm(refreshToken: String, service: String?, scopes: [RegistryScope]) -> String {
        var fields = commonFields(grant: "refresh_token", service: service, scopes: scopes)
        fields.append(("refresh_token", refreshToken))
        return formEncode(fields)
    }

    private static func commonFields(grant: String, service: String?, scopes: [RegistryScope]) -> [(String, String)] {
        var fields: [(String, String)] = [("grant_type", grant)]
        if let service, !service.isEmpty { fields.append(("service", service)) }
        fields.append(("client_id", clientID))
        let merged = RegistryScope.merge(scopes)
        if !merged.isEmpty { fields.append(("scope", merged.map(\.description).joined(separator: " "))) }
        return fields
    }

    /// `application/x-www-form-urlencoded` (WHATWG URL "urlencoded serializer"): unreserved bytes
    /// kept, space as `+`, everything else `%XX`.
    static func formEncode(_ fields: [(String, String)]) -> String {
        fields.map { "\(percentEncode($0.0, spaceAsPlus: true))=\(percentEncode($0.1, spaceAsPlus: true))" }
            .joined(separator: "&")
    }

    /// Percent-encodes every byte of the UTF-8 form outside RFC 3986 §2.3 "unreserved"
    /// (`ALPHA / DIGIT / "-" / "." / "_" / "~"`), with uppercase hex (§2.1).
    static func percentEncode(_ value: String, spaceAsPlus: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " ") where spaceAsPlus:
                out.append(UInt8(ascii: "+"))
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// How to obtain a registry token with the credentials at hand, the way docker chooses (distribution
/// `registry/client/auth` token handler): an identity token is an OAuth2 refresh token (POST), a user
/// name and password go as Basic credentials on the GET, a registry token is sent to the registry
/// as is, and nothing means an anonymous GET.
public enum TokenGrant: Hashable, Sendable, CustomStringConvertible {
    /// GET the token with no credentials (public repositories).
    case anonymous
    /// GET the token with `Authorization: Basic …` (RFC 7617) and `account=<username>`, or POST
    /// `TokenRequest.passwordForm` when the server requires OAuth2.
    case basic(username: String, password: String)
    /// POST `TokenRequest.refreshTokenForm` (docker `identitytoken`, helper user name `<token>`).
    case refreshToken(String)
    /// Skip the token server: send `Authorization: Bearer <token>` to the registry (docker `registrytoken`).
    case registryToken(String)

    /// The grant for `credentials`; a registry token wins, then an identity token, then a user name
    /// and password.
    public static func choose(for credentials: RegistryCredentials?) -> TokenGrant {
        guard let credentials else { return .anonymous }
        if let token = credentials.registryToken, !token.isEmpty { return .registryToken(token) }
        if let token = credentials.identityToken, !token.isEmpty { return .refreshToken(token) }
        if let user = credentials.username, !user.isEmpty, let password = credentials.password {
            return .basic(username: user, password: password)
        }
        return .anonymous
    }

    /// Names the grant without any secret.
    public var description: String {
        switch self {
        case .anonymous: return "anonymous"
        case .basic(let username, _): return "basic(\(username))"
        case .refreshToken: return "refresh-token"
        case .registryToken: return "registry-token"
        }
    }
}

extension TokenGrant: CustomDebugStringConvertible, CustomReflectable {
    /// Same as `description`: no secret.
    public var debugDescription: String { "TokenGrant.\(description)" }
    /// A mirror without secrets, so `dump` does not print them either.
    public var customMirror: Mirror { Mirror(self, children: ["grant": description], displayStyle: .enum) }
}
