/// The userinfo of a URL (RFC 3986 section 3.2.1: `user:password@` before the host), which may hold a
/// secret: registries' redirect targets and token realms, a git remote's `https://user:token@host/…`.
public enum URLUserinfo {
    /// `scheme://user:password@host/path` → `scheme://host/path`; text without `://` (an scp-like
    /// `git@host:repo`, a relative reference) is returned as it is.
    public static func removed<Text: StringProtocol>(from text: Text) -> String {
        guard let schemeEnd = text.range(of: "://") else { return String(text) }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") else { return String(text) }
        return String(text[..<authorityStart]) + String(text[text.index(after: at)...])
    }
}
