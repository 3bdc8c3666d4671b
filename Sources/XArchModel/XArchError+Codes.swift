/// The one catalogue of xarch's error codes beyond the core ones in `XArchError.Code`: every module's
/// failures are named here, so callers compare codes (never message text) and `isTemporary` is one
/// comparison.
extension XArchError.Code {
    /// A connection failed, was reset or timed out: temporary, worth a retry.
    public static let network = XArchError.Code(rawValue: "network")
    /// TLS failed (untrusted or invalid certificate, plain HTTP server): not retried.
    public static let tls = XArchError.Code(rawValue: "tls")
    /// The registry answered with an error status (see `RegistryFailure` in the cause).
    public static let registry = XArchError.Code(rawValue: "registry")
    /// The registry is temporarily unable to answer (HTTP 408, 429, 5xx): worth another try later.
    public static let unavailable = XArchError.Code(rawValue: "unavailable")
    /// A registry or token server refused the credentials, or answered an authentication exchange in a
    /// form xarch cannot use: a malformed `WWW-Authenticate` challenge (RFC 7235 §4.1), a token
    /// response without a token, a realm that is not http(s) or that downgrades https to http.
    public static let authentication = XArchError.Code(rawValue: "auth")
    /// Credentials could not be read or written: an unreadable or invalid docker `config.json`, a
    /// malformed `auth` entry, a credential helper that failed or timed out.
    public static let credentials = XArchError.Code(rawValue: "credentials")
    /// A registry was too slow: a small request past its overall deadline, or a download below the
    /// minimum rate (`RegistryTimeouts`). Not retried: the next attempt would most likely be as slow.
    public static let tooSlow = XArchError.Code(rawValue: "too-slow")
    /// Something that was to be created exists already (a layout directory that is not empty).
    public static let alreadyExists = XArchError.Code(rawValue: "already-exists")
    /// A COPY or ADD source that is not in the build context (or is excluded by `.dockerignore`).
    public static let missingSource = XArchError.Code(rawValue: "missing-source")

    /// A command a build ran (RUN) exited with an error or was killed: exit 1, as `docker build`.
    public static let commandFailed = XArchError.Code(rawValue: "command-failed")

    /// The codes for which trying again later may succeed.
    public static let temporary: Set<XArchError.Code> = [.network, .unavailable]
}

extension XArchError {
    /// Whether trying again later may succeed: a broken connection or a registry that is temporarily
    /// unavailable.
    public var isTemporary: Bool { XArchError.Code.temporary.contains(code) }

    /// This error with `context` said first: a new error of the same code whose cause is this one, so
    /// the original stays reachable (`causes`, `registryFailure`) and the message is not re-parsed.
    public func context(_ context: String) -> XArchError {
        XArchError(code, "\(context): \(message)", cause: self)
    }

    /// The chain of causes below this error, nearest first.
    public var causes: [any Error] {
        var out: [any Error] = []
        var next = cause
        while let error = next, out.count < 32 {
            out.append(error)
            next = (error as? XArchError)?.cause
        }
        return out
    }

    /// The registry's answer somewhere in the chain, when a registry refused the request.
    public var registryFailure: RegistryFailure? {
        ([self] + causes).lazy.compactMap { ($0 as? XArchError)?.cause as? RegistryFailure ?? $0 as? RegistryFailure }.first
    }

    /// The message and, one per line, every cause below it (what `--debug` prints).
    public var debugDescription: String {
        var lines = [message]
        for error in causes {
            if let x = error as? XArchError {
                lines.append("  caused by [\(x.code)] \(x.message)")
            } else {
                lines.append("  caused by \(String(reflecting: error).prefix(500))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
