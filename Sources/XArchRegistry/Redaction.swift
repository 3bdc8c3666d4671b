import Foundation
import XArchModel

/// Removes secrets from URLs and headers before they reach a log or an error message (design:
/// "credentials never appear in logs or errors"; style rule 9).
///
/// Works on the text as given, without parsing it into a URL first, so that anything, even a string
/// that is not a valid URL, comes out redacted and otherwise unchanged.
public enum Redaction {
    /// What a secret is replaced with.
    public static let placeholder = "REDACTED"

    /// Query parameters whose values are secrets, compared case-insensitively after percent-decoding:
    /// upload session state (`_state`, distribution), tokens, OAuth2 codes, and the signatures and
    /// session tokens of presigned S3, GCS and Azure blob URLs that registries redirect to.
    public static let sensitiveQueryParameters: Set<String> = [
        "_state", "token", "access_token", "refresh_token", "id_token", "code", "password", "client_secret",
        "signature", "sig", "x-amz-signature", "x-amz-security-token", "x-amz-credential",
        "x-goog-signature", "x-goog-credential",
    ]

    /// Header fields whose values are secrets, compared case-insensitively.
    public static let sensitiveHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-registry-auth", "x-amz-security-token",
    ]

    /// Header fields whose values are URLs that may carry secrets in their query (a redirect to a
    /// presigned blob URL); their values go through `url(_:)`.
    public static let urlHeaders: Set<String> = ["location", "content-location"]

    /// `url` without userinfo (RFC 3986 §3.2.1: `user:password@`) and with the values of sensitive
    /// query parameters replaced by `REDACTED`. The fragment and every other part are kept as given.
    public static func url(_ url: String) -> String {
        var text = Substring(url)
        var fragment: Substring = ""
        if let hash = text.firstIndex(of: "#") {
            fragment = text[hash...]
            text = text[..<hash]
        }
        var query: Substring?
        if let mark = text.firstIndex(of: "?") {
            query = text[text.index(after: mark)...]
            text = text[..<mark]
        }
        var result = URLUserinfo.removed(from: text)
        if let query { result += "?" + redactQuery(query) }
        return result + fragment
    }

    /// `headers` with the values of `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie` (and
    /// the other `sensitiveHeaders`) replaced by `REDACTED`, and URL-valued headers (`Location`)
    /// passed through `url(_:)`. Names and order are kept.
    public static func headers(_ headers: [(String, String)]) -> [(String, String)] {
        headers.map { name, value in
            let lowered = name.lowercased()
            if sensitiveHeaders.contains(lowered) { return (name, placeholder) }
            if urlHeaders.contains(lowered) { return (name, url(value)) }
            return (name, value)
        }
    }

    /// Drops `userinfo@` from the authority of `scheme://userinfo@host/…`.
    /// Replaces the values of sensitive parameters in an `&`-separated query (`;` is not a separator).
    private static func redactQuery(_ query: Substring) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let decoded = (String(name).replacingPlus().removingPercentEncodingLeniently()).lowercased()
            return sensitiveQueryParameters.contains(decoded) ? "\(name)=\(placeholder)" : String(pair)
        }.joined(separator: "&")
    }
}

extension String {
    /// `+` as a space, as in form-encoded query names.
    fileprivate func replacingPlus() -> String { replacingOccurrences(of: "+", with: " ") }

    /// Percent-decoding that keeps invalid escapes as they are instead of failing.
    fileprivate func removingPercentEncodingLeniently() -> String {
        let bytes = Array(utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
