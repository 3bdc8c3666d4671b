import XArchModel

/// One authentication challenge from a `WWW-Authenticate` (or `Proxy-Authenticate`) header field
/// (RFC 7235 §2.1, §4.1): an auth scheme followed by either a comma-separated list of auth-params or
/// a single token68.
///
/// Registries send `Bearer realm="…",service="…",scope="…"` (the distribution token flow, see the
/// distribution "token" spec, "How to authenticate") or `Basic realm="…"` (RFC 7617 §2).
/// Scheme and parameter names are case-insensitive (RFC 7235 §2.1), so both are stored lowercased;
/// parameter values are kept as sent, with quoted-string escapes removed (RFC 7230 §3.2.6).
public struct AuthChallenge: Hashable, Sendable {
    /// The auth scheme, lowercased: `bearer`, `basic`, …
    public let scheme: String
    /// The auth-params, keys lowercased, values unquoted and unescaped.
    public let parameters: [String: String]
    /// The token68 form of the challenge (RFC 7235 §2.1), when the scheme carries one instead of
    /// parameters (`Negotiate YIIG…`); `nil` for registry challenges.
    public let token68: String?

    /// A challenge; `scheme` and the parameter names are lowercased.
    public init(scheme: String, parameters: [String: String] = [:], token68: String? = nil) {
        self.scheme = scheme.lowercased()
        var lowered: [String: String] = [:]
        for (key, value) in parameters { lowered[key.lowercased()] = value }
        self.parameters = lowered
        self.token68 = token68
    }

    /// The `realm` parameter: for Bearer the token endpoint URL, for Basic a display name
    /// (RFC 7235 §2.2).
    public var realm: String? { parameters["realm"] }
    /// The `service` parameter of a Bearer challenge: the name the token server knows the registry by.
    public var service: String? { parameters["service"] }
    /// The `scope` parameter of a Bearer challenge: space-separated resource scopes
    /// (distribution token-scope spec); see `RegistryScope.parseList`.
    public var scope: String? { parameters["scope"] }
    /// The `error` parameter (RFC 6750 §3), such as `insufficient_scope` or `invalid_token`.
    public var error: String? { parameters["error"] }

    /// Whether this is the Bearer scheme (RFC 6750 §3), used by the distribution token flow.
    public var isBearer: Bool { scheme == "bearer" }
    /// Whether this is the Basic scheme (RFC 7617 §2).
    public var isBasic: Bool { scheme == "basic" }

    /// The challenge a registry client answers: the first Bearer one (the token flow), else the first
    /// Basic one, else `nil` (RFC 7235 §4.1 lets the client choose among the challenges offered).
    public static func preferred(_ challenges: [AuthChallenge]) -> AuthChallenge? {
        challenges.first(where: \.isBearer) ?? challenges.first(where: \.isBasic)
    }

    /// The largest header value `parse` accepts. Real challenges are a few hundred bytes; anything
    /// past this is refused rather than parsed.
    public static let maximumHeaderLength = 64 * 1024

    /// Parses the value of one `WWW-Authenticate` header field, which may hold several challenges
    /// (RFC 7235 §4.1: `WWW-Authenticate = 1#challenge`).
    ///
    /// Accepts optional whitespace around commas and `=` (RFC 7230 §3.2.3 OWS/BWS), empty list
    /// elements (RFC 7230 §7), quoted strings with `\`-escapes and commas inside, token68, and (leniently)
    /// unquoted values that are not strict tokens, such as a bare realm URL.
    /// Anything else throws one `XArchError(.authentication)` naming the offset of the problem.
    public static func parse(_ header: String) throws -> [AuthChallenge] {
        let bytes = Array(header.utf8)
        guard bytes.count <= maximumHeaderLength else {
            throw XArchError(.authentication,
                             "The registry sent a WWW-Authenticate header of \(bytes.count) bytes, more than the "
                                 + "\(maximumHeaderLength) allowed; the registry or a proxy in between is misbehaving.")
        }
        var parser = AuthChallengeParser(bytes: bytes)
        return try parser.parseAll()
    }

    /// Parses several `WWW-Authenticate` header fields (a response may repeat the field; RFC 7230
    /// §3.2.2) into one list, in order.
    public static func parse(fields: [String]) throws -> [AuthChallenge] {
        var all: [AuthChallenge] = []
        for field in fields { all += try parse(field) }
        return all
    }
}

/// The RFC 7235 §2.1 / §4.1 grammar over the UTF-8 bytes of a header value:
///
///     challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
///     auth-param  = token BWS "=" BWS ( token / quoted-string )
///     token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
///
/// A list element that is `token BWS "="` is a parameter of the current challenge; any other token
/// starts a new challenge. Every branch either consumes input or throws, so it always terminates.
struct AuthChallengeParser {
    let bytes: [UInt8]
    var index = 0

    private struct Pending {
        var scheme: String
        var parameters: [String: String] = [:]
        var token68: String?
        var challenge: AuthChallenge { AuthChallenge(scheme: scheme, parameters: parameters, token68: token68) }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseAll() throws -> [AuthChallenge] {
        var result: [AuthChallenge] = []
        var current: Pending?
        while true {
            skipSeparators()
            guard index < bytes.count else { break }
            let start = index
            let name = try readToken(what: "an auth scheme or parameter name")
            let afterName = index
            skipWhitespace()
            if peek == UInt8(ascii: "=") {
                guard var pending = current else {
                    throw failure("a parameter appears before any auth scheme", at: start)
                }
                guard pending.token68 == nil else {
                    throw failure("a parameter follows the token68 of the \(pending.scheme) challenge", at: start)
                }
                try readParameterValue(name: name, into: &pending.parameters, at: start)
                current = pending
                try expectListEnd()
                continue
            }
            index = afterName
            if let done = current { result.append(done.challenge) }
            current = try readChallengeStart(scheme: name)
        }
        if let done = current { result.append(done.challenge) }
        guard !result.isEmpty else {
            throw failure("it contains no challenge", at: index)
        }
        return result
    }

    /// After an auth scheme: nothing, or 1*SP followed by a token68 or by the first auth-param.
    private mutating func readChallengeStart(scheme: String) throws -> Pending {
        var pending = Pending(scheme: scheme.lowercased())
        let hadSpace = skipWhitespace() > 0
        if index >= bytes.count || peek == UInt8(ascii: ",") { return pending }
        guard hadSpace else { throw failure("unexpected character after the auth scheme", at: index) }
        if let token68 = tryToken68() {
            pending.token68 = token68
            try expectListEnd()
            return pending
        }
        let start = index
        let name = try readToken(what: "a parameter name")
        skipWhitespace()
        guard peek == UInt8(ascii: "=") else {
            throw failure("expected '=' after the parameter name \"\(name)\"", at: index)
        }
        try readParameterValue(name: name, into: &pending.parameters, at: start)
        try expectListEnd()
        return pending
    }

    /// At `=`: reads `BWS "=" BWS ( token / quoted-string )` and stores it under the lowercased name.
    private mutating func readParameterValue(name: String, into parameters: inout [String: String],
                                             at start: Int) throws {
        index += 1  // "="
        skipWhitespace()
        let value: String
        if peek == UInt8(ascii: "\"") {
            value = try readQuotedString()
        } else {
            value = try readUnquotedValue()
        }
        let key = name.lowercased()
        guard parameters[key] == nil else {
            throw failure("the parameter \"\(key)\" appears twice in one challenge (RFC 7235 §2.1)", at: start)
        }
        parameters[key] = value
    }

    /// A token68 followed by the end of the element, or `nil` (and no input consumed).
    private mutating func tryToken68() -> String? {
        let start = index
        while index < bytes.count, Self.isToken68Char(bytes[index]) { index += 1 }
        let bodyEnd = index
        while index < bytes.count, bytes[index] == UInt8(ascii: "=") { index += 1 }
        let end = index
        skipWhitespace()
        if bodyEnd > start, index >= bytes.count || peek == UInt8(ascii: ",") {
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        index = start
        return nil
    }

    /// `DQUOTE *( qdtext / quoted-pair ) DQUOTE` (RFC 7230 §3.2.6), returning the unescaped content.
    private mutating func readQuotedString() throws -> String {
        let open = index
        index += 1
        var content: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: content, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count, Self.isQuotedPairChar(bytes[index]) else {
                    throw failure("a backslash at the end of a quoted string", at: index - 1)
                }
                content.append(bytes[index])
                index += 1
            default:
                guard Self.isQDText(byte) else {
                    throw failure("a control character inside a quoted string", at: index - 1)
                }
                content.append(byte)
            }
        }
        throw failure("a quoted string is not terminated", at: open)
    }

    /// An unquoted value. RFC 7235 allows only a `token`; xarch also accepts the other visible ASCII
    /// characters except `"`, `,`, `;` and `\`, so an unquoted realm URL (`realm=https://a/token`),
    /// which some servers send, still works. Nothing ambiguous is accepted: the value ends at
    /// whitespace or a comma either way.
    private mutating func readUnquotedValue() throws -> String {
        let start = index
        while index < bytes.count, Self.isUnquotedValueChar(bytes[index]) { index += 1 }
        guard index > start else {
            let found = index < bytes.count ? "unexpected character" : "the header ends"
            throw failure("\(found) where a parameter value was expected", at: start)
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func readToken(what: String) throws -> String {
        let start = index
        while index < bytes.count, Self.isTChar(bytes[index]) { index += 1 }
        guard index > start else {
            let found = index < bytes.count ? "unexpected character" : "the header ends"
            throw failure("\(found) where \(what) was expected", at: start)
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// After an element: optional whitespace, then a comma or the end.
    private mutating func expectListEnd() throws {
        skipWhitespace()
        guard index >= bytes.count || peek == UInt8(ascii: ",") else {
            throw failure("expected ',' between parameters or challenges", at: index)
        }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    @discardableResult
    private mutating func skipWhitespace() -> Int {
        let start = index
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        return index - start
    }

    private mutating func skipSeparators() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == UInt8(ascii: ",") {
            index += 1
        }
    }

    private func failure(_ reason: String, at offset: Int) -> XArchError {
        XArchError(.authentication,
                   "The registry's WWW-Authenticate header is malformed: \(reason) (at byte \(offset)); "
                       + "the registry or a proxy in between sent a challenge xarch cannot use (RFC 7235 §4.1).")
    }

    /// `tchar` (RFC 7230 §3.2.6), as a lookup table over bytes.
    private static let tcharTable = byteTable(extra: "!#$%&'*+-.^_`|~")
    /// The body characters of `token68` (RFC 7235 §2.1), without the trailing `=`.
    private static let token68Table = byteTable(extra: "-._~+/")

    private static func byteTable(extra: String) -> [Bool] {
        var table = [Bool](repeating: false, count: 256)
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(c)] = true }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(c)] = true }
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(c)] = true }
        for c in extra.utf8 { table[Int(c)] = true }
        return table
    }

    static func isTChar(_ c: UInt8) -> Bool { tcharTable[Int(c)] }
    static func isUnquotedValueChar(_ c: UInt8) -> Bool {
        (0x21...0x7E).contains(c) && c != UInt8(ascii: "\"") && c != UInt8(ascii: ",") && c != UInt8(ascii: ";")
            && c != UInt8(ascii: "\\")
    }
    static func isToken68Char(_ c: UInt8) -> Bool { token68Table[Int(c)] }

    /// `qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text` (RFC 7230 §3.2.6).
    static func isQDText(_ c: UInt8) -> Bool {
        c == 0x09 || c == 0x20 || c == 0x21 || (0x23...0x5B).contains(c) || (0x5D...0x7E).contains(c) || c >= 0x80
    }

    /// The character after a backslash: `HTAB / SP / VCHAR / obs-text` (RFC 7230 §3.2.6).
    static func isQuotedPairChar(_ c: UInt8) -> Bool {
        c == 0x09 || c == 0x20 || (0x21...0x7E).contains(c) || c >= 0x80
    }
}
