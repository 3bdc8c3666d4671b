extension ImageReference {
    /// Character-level checks of docker's reference grammar, as written in distribution/reference
    /// (`reference.go`, the "Grammar" comment, and `regexp.go`):
    ///
    ///     reference        := name [ ":" tag ] [ "@" digest ]
    ///     name             := [ domain "/" ] path-component [ "/" path-component ]*
    ///     domain           := host [ ":" port-number ]
    ///     host             := domain-name | "[" IPv6address "]"
    ///     domain-name      := domain-component [ "." domain-component ]*
    ///     domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
    ///     port-number      := /[0-9]+/
    ///     path-component   := alpha-numeric [ separator alpha-numeric ]*
    ///     alpha-numeric    := /[a-z0-9]+/
    ///     separator        := /[_.]|__|[-]+/
    ///     tag              := /[\w][\w.-]{0,127}/
    ///
    /// Each check returns `nil` when the text is valid, otherwise the problem as a sentence fragment that
    /// names the offending part; callers prefix it with the whole input.
    enum Grammar {
        static let maxRepositoryLength = 255
        static let maxTagLength = 128

        static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
        static func isLower(_ c: Unicode.Scalar) -> Bool { c.value >= 0x61 && c.value <= 0x7A }
        static func isUpper(_ c: Unicode.Scalar) -> Bool { c.value >= 0x41 && c.value <= 0x5A }
        static func isLowerAlphanumeric(_ c: Unicode.Scalar) -> Bool { isDigit(c) || isLower(c) }
        static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool { isLowerAlphanumeric(c) || isUpper(c) }
        static func isHex(_ c: Unicode.Scalar) -> Bool {
            isDigit(c) || (c.value >= 0x61 && c.value <= 0x66) || (c.value >= 0x41 && c.value <= 0x46)
        }

        /// `text` in double quotes with escapes, cut at 300 characters, for error messages.
        static func quote<S: StringProtocol>(_ text: S) -> String {
            let limit = 300
            let cut = text.count > limit ? String(text.prefix(limit)) + "…" : String(text)
            return String(reflecting: cut)
        }

        /// Whether `text` is a 64-character lowercase hex identifier, which docker refuses as a name
        /// (normalize.go, `ParseNormalizedNamed`).
        static func isImageID(_ text: String) -> Bool {
            text.utf8.count == 64 && text.unicodeScalars.allSatisfy { isDigit($0) || (isLower($0) && isHex($0)) }
        }

        /// Whether docker reads `component`, the text before the first "/", as a registry
        /// (normalize.go, `splitDockerDomain`): it is `localhost` or `index.docker.io`, contains "." or
        /// ":", or contains an uppercase letter (repository names cannot).
        static func looksLikeRegistry<S: StringProtocol>(_ component: S) -> Bool {
            component == "localhost" || component == ImageReference.legacyDefaultRegistry
                || component.contains(".") || component.contains(":")
                || component.unicodeScalars.contains(where: isUpper)
        }

        /// Checks `domain := host [":" port-number]`.
        static func registryProblem(_ text: Substring) -> String? {
            let quoted = quote(text)
            var port: Substring?
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else {
                    return "registry \(quoted) opens \"[\" without closing it"
                }
                let inside = text[text.index(after: text.startIndex)..<close]
                guard !inside.isEmpty, inside.unicodeScalars.allSatisfy({ isHex($0) || $0 == ":" }) else {
                    return "registry \(quoted) is not an IPv6 address in brackets (hex digits and \":\" only, no zone or IPv4 part)"
                }
                let rest = text[text.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.first == ":" else { return "registry \(quoted) has unexpected text after \"]\"" }
                    port = rest.dropFirst()
                }
            } else {
                var host = text
                if let colon = text.firstIndex(of: ":") {
                    host = text[..<colon]
                    port = text[text.index(after: colon)...]
                }
                if let problem = hostNameProblem(host, registry: quoted) { return problem }
            }
            if let port, port.isEmpty || !port.unicodeScalars.allSatisfy(isDigit) {
                return "registry \(quoted) has port \(quote(port)), which is not a number"
            }
            // A TCP port is 1–65535 (RFC 793); a larger number must not reach the socket layer.
            if let port, !(port.count <= 5 && (1...65535).contains(Int(port) ?? 0)) {
                return "registry \(quoted) has port \(quote(port)), which is not a TCP port (1–65535)"
            }
            return nil
        }

        /// Checks `domain-name := domain-component ["." domain-component]*`.
        static func hostNameProblem(_ host: Substring, registry: String) -> String? {
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            for label in labels {
                let scalars = label.unicodeScalars
                let valid = !label.isEmpty
                    && scalars.allSatisfy { isAlphanumeric($0) || $0 == "-" }
                    && scalars.first.map(isAlphanumeric) == true && scalars.last.map(isAlphanumeric) == true
                if !valid {
                    return "registry \(registry) is not a valid host name (dot-separated labels of letters, digits and \"-\", not starting or ending with \"-\")"
                }
            }
            return nil
        }

        /// Checks `path := path-component ["/" path-component]*`, lowercase only, at most 255 characters.
        static func repositoryProblem(_ path: String) -> String? {
            if path.unicodeScalars.contains(where: isUpper) { return "repository name must be lowercase" }
            if path.isEmpty { return "repository name is missing" }
            for component in path.split(separator: "/", omittingEmptySubsequences: false) {
                if component.isEmpty {
                    return "repository name \(quote(path)) has an empty path component (a leading, trailing or doubled \"/\")"
                }
                if let problem = pathComponentProblem(component) { return problem }
            }
            let length = path.utf8.count
            if length > maxRepositoryLength {
                return "repository name must not be more than \(maxRepositoryLength) characters (this one has \(length))"
            }
            return nil
        }

        /// Checks `path-component := alpha-numeric [separator alpha-numeric]*`.
        static func pathComponentProblem(_ component: Substring) -> String? {
            let scalars = Array(component.unicodeScalars)
            let quoted = quote(component)
            let isSeparator: (Unicode.Scalar) -> Bool = { $0 == "." || $0 == "_" || $0 == "-" }
            if let first = scalars.first, isSeparator(first) {
                return "path component \(quoted) must start with a lowercase letter or digit"
            }
            var i = 0
            while i < scalars.count {
                if isLowerAlphanumeric(scalars[i]) {
                    i += 1
                } else if isSeparator(scalars[i]) {
                    let start = i
                    while i < scalars.count, isSeparator(scalars[i]) { i += 1 }
                    if i == scalars.count {
                        return "path component \(quoted) must end with a lowercase letter or digit"
                    }
                    var run = String.UnicodeScalarView()
                    run.append(contentsOf: scalars[start..<i])
                    let separator = String(run)
                    if !(separator == "." || separator == "_" || separator == "__" || separator.allSatisfy({ $0 == "-" })) {
                        return "path component \(quoted) has the separator \(quote(separator)); only \".\", \"_\", \"__\" or dashes may join letters and digits"
                    }
                } else {
                    return "path component \(quoted) contains \(quote(String(scalars[i]))), which is not allowed (lowercase letters, digits, \".\", \"_\" and \"-\" only)"
                }
            }
            return nil
        }

        /// Checks `tag := [\w][\w.-]{0,127}` (Go's `\w` is ASCII `[0-9A-Za-z_]`).
        static func tagProblem<S: StringProtocol>(_ tag: S) -> String? {
            let scalars = tag.unicodeScalars
            guard let first = scalars.first else { return "tag is empty" }
            if scalars.count > maxTagLength {
                return "tag must not be more than \(maxTagLength) characters (this one has \(scalars.count))"
            }
            if !(isAlphanumeric(first) || first == "_") {
                return "tag \(quote(tag)) must start with a letter, digit or \"_\""
            }
            for c in scalars where !(isAlphanumeric(c) || c == "_" || c == "." || c == "-") {
                return "tag \(quote(tag)) contains \(quote(String(c))), which is not allowed (letters, digits, \"_\", \".\" and \"-\" only)"
            }
            return nil
        }
    }
}
