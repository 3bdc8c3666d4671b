/// Formatting of platforms as specifiers, following containerd's `platforms.Format` and
/// `platforms.FormatAll`. `Platform(parsing:)` reads both forms back.
extension Platform {
    /// The specifier `os/arch[/variant]`, as containerd's `platforms.Format` writes it.
    ///
    /// Empty components are left out (`linux/amd64` when there is no variant) and the path is
    /// cleaned like Go's `path.Join`. `os.version` and `os.features` are not included; see
    /// `formattedAll`. A platform without an OS formats as `unknown`.
    public var formatted: String {
        if os.isEmpty {
            return "unknown"
        }
        return Platform.joinedPath([os, architecture, variant])
    }

    /// The specifier with OS options, `os[(version[+feature]*)]/arch[/variant]`, as containerd's
    /// `platforms.FormatAll` writes it, e.g. `windows(10.0.17763+win32k)/amd64`.
    ///
    /// The options appear only when `osVersion` or `osFeatures` is non-empty. Features are
    /// written sorted byte-wise, without empty or duplicate entries. `%`, `+`, `(`, `)` and `/`
    /// inside the version or a feature are written as `%25`, `%2B`, `%28`, `%29` and `%2F`, so the
    /// result parses back to the same values. A platform without an OS formats as `unknown`.
    public var formattedAll: String {
        if os.isEmpty {
            return "unknown"
        }
        let version = Platform.encodeOSOption(osVersion)
        let features = Platform.sortedUniqueFeatures(osFeatures.filter { !$0.isEmpty })
            .map(Platform.encodeOSOption)
            .joined(separator: "+")
        var head = os
        if !version.isEmpty || !features.isEmpty {
            head += "(" + version + (features.isEmpty ? "" : "+" + features) + ")"
        }
        return Platform.joinedPath([head, architecture, variant])
    }

    /// Escapes the characters that would be ambiguous inside `os(...)`.
    static func encodeOSOption(_ value: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "%": encoded += "%25"
            case "+": encoded += "%2B"
            case "(": encoded += "%28"
            case ")": encoded += "%29"
            case "/": encoded += "%2F"
            default: encoded.unicodeScalars.append(character)
            }
        }
        return encoded
    }

    /// Go's `path.Join`: joins the non-empty elements with `/` and cleans the result.
    static func joinedPath(_ elements: [String]) -> String {
        let nonEmpty = elements.filter { !$0.isEmpty }
        if nonEmpty.isEmpty {
            return ""
        }
        return cleanedPath(nonEmpty.joined(separator: "/"))
    }

    /// Go's `path.Clean`: removes empty and `.` segments and resolves `..` lexically.
    static func cleanedPath(_ path: String) -> String {
        let rooted = path.hasPrefix("/")
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".":
                continue
            case "..":
                if let last = segments.last, last != ".." {
                    segments.removeLast()
                } else if !rooted {
                    segments.append(segment)
                }
            default:
                segments.append(segment)
            }
        }
        let body = segments.joined(separator: "/")
        if rooted {
            return "/" + body
        }
        return body.isEmpty ? "." : body
    }
}
