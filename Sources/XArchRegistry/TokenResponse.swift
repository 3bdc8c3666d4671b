import Foundation
import XArchModel

/// The answer of a token endpoint (distribution token spec, "Token Response Fields", and
/// "OAuth2 Token", which returns the same fields from a POST).
///
/// `token` and `access_token` are equivalent; at least one must be present, and when both are the
/// OAuth2 name wins (as in distribution's client). `expires_in` defaults to 60 seconds when absent or
/// not positive. `issued_at` is RFC 3339 and optional.
public struct TokenResponse: Hashable, Sendable {
    /// The bearer token to send as `Authorization: Bearer <token>` (RFC 6750 §2.1).
    public let token: String
    /// The lifetime in seconds, counted from issue.
    public let expiresIn: Int
    /// When the token server issued the token, if it said.
    public let issuedAt: Date?
    /// A refresh token (OAuth2 flow, `access_type=offline`), to send with `grant_type=refresh_token`.
    public let refreshToken: String?

    /// The lifetime assumed when the response has no usable `expires_in` (distribution token spec).
    public static let defaultLifetime = 60
    /// The largest token response body accepted: real ones are a few kilobytes (style rule 2).
    public static let maximumBodySize = 1024 * 1024
    /// How long before its stated expiry a token is treated as expired, so that a request does not
    /// start with a token that dies in flight.
    public static let defaultSafetyMargin: TimeInterval = 10

    /// A response with the given fields.
    public init(token: String, expiresIn: Int = TokenResponse.defaultLifetime, issuedAt: Date? = nil,
                refreshToken: String? = nil) {
        self.token = token
        self.expiresIn = expiresIn
        self.issuedAt = issuedAt
        self.refreshToken = refreshToken
    }

    /// Decodes a token endpoint body. Throws `XArchError(.tooLarge)` past `maximumBodySize`, and
    /// `XArchError(.authentication)` for a body that is not a JSON object, has no token, or has a
    /// token that cannot be sent in a header (control characters).
    public static func decode(_ body: some Collection<UInt8>) throws -> TokenResponse {
        guard body.count <= maximumBodySize else {
            throw XArchError(.tooLarge, "The token server sent a response of \(body.count) bytes, more than the "
                                 + "\(maximumBodySize) allowed for a token; the token server is misbehaving.")
        }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(body))
        } catch {
            throw XArchError(.authentication, "The token server's response is not a JSON object.", cause: error)
        }
        guard let token = [wire.accessToken, wire.token].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw XArchError(.authentication, "The token server answered without a token "
                                 + "(neither \"token\" nor \"access_token\" is set).")
        }
        guard isHeaderSafe(token) else {
            throw XArchError(.authentication, "The token server sent a token with characters that cannot appear "
                                 + "in an Authorization header.")
        }
        let refresh = wire.refreshToken.flatMap { $0.isEmpty ? nil : $0 }
        return TokenResponse(token: token, expiresIn: lifetime(wire.expiresIn), issuedAt: wire.issuedAt.flatMap(parseRFC3339),
                             refreshToken: refresh)
    }

    /// The fields of the body, each read leniently: a field of an unexpected type counts as absent.
    private struct Wire: Decodable {
        var token: String?
        var accessToken: String?
        var expiresIn: Double?
        var issuedAt: String?
        var refreshToken: String?

        private enum Key: String, CodingKey {
            case token, accessToken = "access_token", expiresIn = "expires_in", issuedAt = "issued_at"
            case refreshToken = "refresh_token"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            token = try? c.decodeIfPresent(String.self, forKey: .token)
            accessToken = try? c.decodeIfPresent(String.self, forKey: .accessToken)
            expiresIn = try? c.decodeIfPresent(Double.self, forKey: .expiresIn)
            issuedAt = try? c.decodeIfPresent(String.self, forKey: .issuedAt)
            refreshToken = try? c.decodeIfPresent(String.self, forKey: .refreshToken)
        }
    }

    /// When to stop using the token: `receivedAt + expiresIn - margin`, the margin capped at half the
    /// lifetime so a short-lived token is still used once.
    ///
    /// The local time of receipt is the base rather than `issued_at`, so a token server whose clock is
    /// off does not make every token look expired (or immortal); `issued_at` is only informative.
    public func expiry(receivedAt: Date, safetyMargin: TimeInterval = TokenResponse.defaultSafetyMargin) -> Date {
        let lifetime = TimeInterval(expiresIn)
        let margin = min(max(safetyMargin, 0), lifetime / 2)
        return receivedAt.addingTimeInterval(lifetime - margin)
    }

    /// The lifetime from a JSON `expires_in`: a positive number of seconds (fractions dropped);
    /// absent, zero, negative or absurd values mean the default.
    static func lifetime(_ value: Double?) -> Int {
        guard let seconds = value, seconds.isFinite, seconds >= 1, seconds < Double(Int32.max) else {
            return defaultLifetime
        }
        return Int(seconds)
    }

    /// RFC 3339 `date-time`, with or without fractional seconds; `nil` when it does not parse.
    static func parseRFC3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Printable ASCII only (RFC 7230 §3.2 field-vchar without obs-text): no CR/LF header injection.
    static func isHeaderSafe(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
