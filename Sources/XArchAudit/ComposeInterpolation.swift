import XArchModel

/// Variable interpolation in compose files (compose-spec, "Interpolation"): `$VAR`, `${VAR}`,
/// `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?message}` and `${VAR?message}`
/// (an error), `${VAR:+replacement}` and `${VAR+replacement}`, defaults that interpolate again
/// (`${A:-${B}}`), and `$$` for a literal `$`. An unset variable without a default is empty, as
/// `docker compose` makes it (after a warning).
public struct ComposeInterpolation: Sendable {
    /// The variables: the `.env` file's, overridden by the process environment.
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The environment `docker compose` sees: `dotEnv` (the project directory's `.env`) under the
    /// process environment, which wins.
    public init(dotEnv: [String: String], processEnvironment: [String: String]) {
        self.environment = dotEnv.merging(processEnvironment) { _, process in process }
    }

    /// What went wrong: a `${VAR:?message}` whose variable has no value, or a malformed `${…}`.
    public struct Failure: Error, Sendable, Equatable {
        public var message: String
    }

    /// `text` with every variable replaced.
    public func interpolate(_ text: String) throws(Failure) -> String {
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            guard let next = rest.first else { out += "$"; break }
            if next == "$" {
                out += "$"
                rest = rest.dropFirst()
            } else if next == "{" {
                guard let close = Self.closingBrace(rest) else {
                    throw Failure(message: "unterminated ${ in \"\(text)\"")
                }
                out += try braced(rest[rest.index(after: rest.startIndex)..<close], in: text)
                rest = rest[rest.index(after: close)...]
            } else if Self.isNameStart(next) {
                let name = rest.prefix { Self.isNameCharacter($0) }
                out += environment[String(name)] ?? ""
                rest = rest.dropFirst(name.count)
            } else {
                out += "$"
            }
        }
        return out + rest
    }

    /// The value of `${body}`.
    func braced(_ body: Substring, in text: String) throws(Failure) -> String {
        let name = body.prefix { Self.isNameCharacter($0) }
        guard let first = name.first, Self.isNameStart(first) else {
            throw Failure(message: "invalid interpolation format for \"\(text)\": \"${\(body)}\"")
        }
        let value = environment[String(name)]
        var modifier = body.dropFirst(name.count)
        if modifier.isEmpty { return value ?? "" }
        let colon = modifier.first == ":"
        if colon { modifier = modifier.dropFirst() }
        guard let op = modifier.first, "-?+".contains(op) else {
            throw Failure(message: "invalid interpolation format for \"\(text)\": \"${\(body)}\"")
        }
        let word = String(modifier.dropFirst())
        let isSet = colon ? !(value ?? "").isEmpty : value != nil
        switch op {
        case "-": return isSet ? value ?? "" : try interpolate(word)
        case "+": return isSet ? try interpolate(word) : ""
        default:
            guard isSet else {
                let reason = try interpolate(word)
                throw Failure(message: "required variable \(name) is missing a value" + (reason.isEmpty ? "" : ": \(reason)"))
            }
            return value ?? ""
        }
    }

    /// The `}` closing the `${` at the start of `text`, nested `${…}` skipped.
    static func closingBrace(_ text: Substring) -> Substring.Index? {
        var depth = 0
        var index = text.startIndex
        var previous: Character?
        while index < text.endIndex {
            let c = text[index]
            if c == "{", previous == "$" || index == text.startIndex { depth += 1 }
            if c == "}" {
                depth -= 1
                if depth == 0 { return index }
            }
            previous = c
            index = text.index(after: index)
        }
        return nil
    }

    static func isNameStart(_ c: Character) -> Bool { c == "_" || (c.isASCII && c.isLetter) }
    static func isNameCharacter(_ c: Character) -> Bool { c == "_" || (c.isASCII && (c.isLetter || c.isNumber)) }
}
