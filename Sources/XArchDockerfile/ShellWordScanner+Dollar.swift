/// `$` substitutions (Dockerfile reference, "Environment replacement"; BuildKit `processDollar`).
extension ShellWordScanner {
    mutating func processDollar() throws -> String {
        index += 1
        guard peek() == "{" else {
            let name = processName()
            if name.isEmpty { return "$" }
            if let value = lookup(name) { return value }
            return lexer.skipUnsetEnvironment ? "$" + name : ""
        }
        index += 1
        switch peek() {
        case nil: throw ShellSyntaxError(message: "syntax error: missing '}'")
        case "{", "}", ":": throw ShellSyntaxError(message: "syntax error: bad substitution")
        default: break
        }
        let name = processName()
        var ch = next()
        var chs = Self.text(ch)
        switch ch {
        case "}":
            if let value = lookup(name) { return value }
            return lexer.skipUnsetEnvironment ? "${\(name)}" : ""
        case ":":
            ch = next()
            chs += Self.text(ch)
            return try modifier(name: name, ch: ch, chs: chs, nullIsUnset: true)
        case "+", "-", "?", "#", "%":
            return try modifier(name: name, ch: ch, chs: chs, nullIsUnset: false)
        case "/":
            return try substitution(name: name)
        default:
            chs = Self.text(ch)
            throw ShellSyntaxError(message: "unsupported modifier (\(chs)) in substitution")
        }
    }

    /// `${NAME-word}`, `${NAME:+word}`, `${NAME?msg}`, `${NAME#pattern}`, … after the operator.
    private mutating func modifier(name: String, ch: Unicode.Scalar?, chs: String, nullIsUnset: Bool) throws -> String {
        let trims = ch == "#" || ch == "%"
        if nullIsUnset && trims {
            throw ShellSyntaxError(message: "unsupported modifier (\(chs)) in substitution")
        }
        let word = try wordUntilBrace(rawEscapes: trims)
        let value = lookup(name)
        if lexer.skipUnsetEnvironment && value == nil {
            return "${\(name)\(chs)\(word)}"
        }
        let isUnset = value == nil || (nullIsUnset && value == "")
        switch ch {
        case "-":
            return isUnset ? word : value!
        case "+":
            return isUnset ? "" : word
        case "?":
            guard let value else {
                throw ShellSyntaxError(message: "\(name): \(word.isEmpty ? "is not allowed to be unset" : word)")
            }
            if nullIsUnset && value.isEmpty {
                throw ShellSyntaxError(message: "\(name): \(word.isEmpty ? "is not allowed to be empty" : word)")
            }
            return value
        case "#", "%":
            var pattern = word.scalars
            var greedy = false
            if let first = pattern.first, first == ch {
                greedy = true
                pattern.removeFirst()
            }
            let subject = (value ?? "").scalars
            let trimmed = ch == "%"
                ? try ShellPattern.trimSuffix(pattern, of: subject, greedy: greedy)
                : try ShellPattern.trimPrefix(pattern, of: subject, greedy: greedy)
            return trimmed.string
        default:
            throw ShellSyntaxError(message: "unsupported modifier (\(chs)) in substitution")
        }
    }

    /// `${NAME/pattern/replacement}` and `${NAME//pattern/replacement}`.
    private mutating func substitution(name: String) throws -> String {
        let replaceAll = peek() == "/"
        if replaceAll { index += 1 }
        let pattern: String
        do {
            pattern = try processStopOn("/", rawEscapes: true).0
        } catch let error as ShellSyntaxError {
            if peek() == nil { throw ShellSyntaxError(message: "syntax error: missing '/' in ${}") }
            throw error
        }
        let replacement = try wordUntilBrace(rawEscapes: true)
        guard let value = lookup(name) else {
            if lexer.skipUnsetEnvironment { return "${\(name)/\(pattern)/\(replacement)}" }
            return try ShellPattern.replace(pattern.scalars, in: [], with: replacement.scalars, all: replaceAll).string
        }
        return try ShellPattern.replace(pattern.scalars, in: value.scalars, with: replacement.scalars, all: replaceAll).string
    }

    private mutating func wordUntilBrace(rawEscapes: Bool) throws -> String {
        do {
            return try processStopOn("}", rawEscapes: rawEscapes).0
        } catch let error as ShellSyntaxError {
            if peek() == nil { throw ShellSyntaxError(message: "syntax error: missing '}'") }
            throw error
        }
    }

    /// A variable name: letters, digits and `_`; or a run of digits; or one special parameter (`$@ $* $# …`).
    mutating func processName() -> String {
        var name = String.UnicodeScalarView()
        while let ch = peek() {
            if name.isEmpty && ch.isGoDigit {
                while let digit = peek(), digit.isGoDigit {
                    name.append(digit)
                    index += 1
                }
                return String(name)
            }
            if name.isEmpty && "@*#?-$!0".unicodeScalars.contains(ch) {
                index += 1
                return String(ch)
            }
            guard ch.isGoLetter || ch.isGoDigit || ch == "_" else { break }
            name.append(ch)
            index += 1
        }
        return String(name)
    }

    /// A scalar as Go's `string(rune)` prints it; end of input prints as U+FFFD.
    static func text(_ scalar: Unicode.Scalar?) -> String {
        scalar.map { String($0) } ?? "\u{FFFD}"
    }
}
