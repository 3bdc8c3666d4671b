import Foundation
import XArchModel

/// The HTTP Basic authentication scheme (RFC 7617).
public enum BasicAuth {
    /// The `Authorization` header value `Basic base64(user-id ":" password)` (RFC 7617 §2), with the
    /// UTF-8 encoding of RFC 7617 §2.1 (`charset="UTF-8"`).
    ///
    /// Throws `XArchError(.credentials)` for a user name containing `:` (RFC 7617 §2: such a user-id
    /// is invalid, the server could not split it) or control characters (RFC 7617 §2: not allowed in
    /// user-id or password).
    public static func headerValue(username: String, password: String) throws -> String {
        guard !username.contains(":") else {
            throw XArchError(.credentials, "The user name for Basic authentication contains ':', which RFC 7617 "
                                 + "does not allow; use a user name without a colon.")
        }
        guard !containsControl(username), !containsControl(password) else {
            throw XArchError(.credentials, "The user name or password contains a control character, which Basic "
                                 + "authentication (RFC 7617 §2) does not allow.")
        }
        return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// The header value for `credentials`, or `nil` when they hold no user name and password.
    public static func headerValue(for credentials: RegistryCredentials) throws -> String? {
        guard let username = credentials.username, let password = credentials.password else { return nil }
        return try headerValue(username: username, password: password)
    }

    /// RFC 5234 CTL: 0x00–0x1F and 0x7F.
    private static func containsControl(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
