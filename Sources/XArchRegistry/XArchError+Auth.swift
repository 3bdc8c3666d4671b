import XArchModel

extension XArchError.Code {
    /// A registry or token server refused the credentials, or answered an authentication exchange in a
    /// form xarch cannot use: a malformed `WWW-Authenticate` challenge (RFC 7235 §4.1), a token
    /// response without a token, a realm that is not http(s) or that downgrades https to http.
    public static let authentication = XArchError.Code(rawValue: "auth")
    /// Credentials could not be read or written: an unreadable or invalid docker `config.json`, a
    /// malformed `auth` entry, a credential helper that failed or timed out.
    public static let credentials = XArchError.Code(rawValue: "credentials")
}
