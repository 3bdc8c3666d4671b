/// The scanning state of one expansion: BuildKit's `shellWord`, over Unicode scalars.
struct ShellWordScanner {
    let input: [Unicode.Scalar]
    let lexer: ShellLexer
    let environment: ShellEnvironment
    var index = 0
    var rawEscapes: Bool
    var matched: Set<String> = []
    var unmatched: Set<String> = []

    init(input: [Unicode.Scalar], lexer: ShellLexer, environment: ShellEnvironment) {
        self.input = input
        self.lexer = lexer
        self.environment = environment
        self.rawEscapes = lexer.rawEscapes
    }

    func peek() -> Unicode.Scalar? { index < input.count ? input[index] : nil }

    mutating func next() -> Unicode.Scalar? {
        guard index < input.count else { return nil }
        defer { index += 1 }
        return input[index]
    }

    /// Processes until `stop` (consumed) or the end of input; a missing `stop` is an error.
    mutating func processStopOn(_ stop: Unicode.Scalar?, rawEscapes: Bool) throws -> (String, [String]) {
        var result = String.UnicodeScalarView()
        var words = WordAccumulator()
        let saved = self.rawEscapes
        self.rawEscapes = rawEscapes
        defer { self.rawEscapes = saved }

        while let ch = peek() {
            if let stop, ch == stop {
                index += 1
                return (String(result), words.finish())
            }
            if ch == "$" {
                let text = try processDollar()
                result.append(contentsOf: text.unicodeScalars)
                words.addString(text)
                continue
            }
            if ch == "<" {
                let text = processPossibleHeredoc()
                result.append(contentsOf: text.unicodeScalars)
                words.addRawString(text)
                continue
            }
            if !lexer.skipProcessQuotes && (ch == "'" || ch == "\"") {
                let text = ch == "'" ? try processSingleQuote() : try processDoubleQuote()
                result.append(contentsOf: text.unicodeScalars)
                words.addRawString(text)
                continue
            }
            var c = ch
            index += 1
            if c == lexer.escapeToken {
                if self.rawEscapes {
                    words.addRawChar(c)
                    result.append(c)
                }
                guard let escaped = next() else { break }
                c = escaped
                words.addRawChar(c)
            } else {
                words.addChar(c)
            }
            result.append(c)
        }
        if let stop {
            throw ShellSyntaxError(message: "unexpected end of statement while looking for matching \(Character(stop))")
        }
        return (String(result), words.finish())
    }

    /// `'…'`: everything literal up to the next `'`.
    mutating func processSingleQuote() throws -> String {
        var result = String.UnicodeScalarView()
        let open = next()!
        if lexer.rawQuotes { result.append(open) }
        while true {
            guard let ch = next() else {
                throw ShellSyntaxError(message: "unexpected end of statement while looking for matching single-quote")
            }
            if ch == "'" {
                if lexer.rawQuotes { result.append(ch) }
                return String(result)
            }
            result.append(ch)
        }
    }

    /// `"…"`: `$` expands; the escape character escapes `"`, `$` and itself, and is kept before others.
    mutating func processDoubleQuote() throws -> String {
        var result = String.UnicodeScalarView()
        let open = next()!
        if lexer.rawQuotes { result.append(open) }
        while true {
            guard let ch = peek() else {
                throw ShellSyntaxError(message: "unexpected end of statement while looking for matching double-quote")
            }
            if ch == "\"" {
                index += 1
                if lexer.rawQuotes { result.append(ch) }
                return String(result)
            }
            if ch == "$" {
                result.append(contentsOf: try processDollar().unicodeScalars)
                continue
            }
            var c = ch
            index += 1
            if c == lexer.escapeToken {
                if rawEscapes { result.append(c) }
                guard let following = peek() else { continue }
                if following == "\"" || following == "$" || following == lexer.escapeToken {
                    c = following
                    index += 1
                }
            }
            result.append(c)
        }
    }

    /// `<` alone, or `<<` with the blanks after it, so that `<<  EOF` stays one word (heredoc markers).
    mutating func processPossibleHeredoc() -> String {
        index += 1
        guard peek() == "<" else { return "<" }
        index += 1
        var text = "<<"
        while let ch = peek(), ch == " " || ch == "\t" || ch == "\r" || ch == "\n" {
            text.unicodeScalars.append(ch)
            index += 1
        }
        return text
    }

    /// Looks a variable up and records whether it was set.
    mutating func lookup(_ name: String) -> String? {
        if let value = environment[name] {
            matched.insert(name)
            return value
        }
        unmatched.insert(name)
        return nil
    }
}

/// Splits the output of a scan into words: unquoted whitespace separates, quoted text never does.
struct WordAccumulator {
    private var buffer = String.UnicodeScalarView()
    private var words: [String] = []
    private var inWord = false

    mutating func addChar(_ c: Unicode.Scalar) {
        if c.isGoSpace {
            if inWord && !buffer.isEmpty {
                words.append(String(buffer))
                buffer = String.UnicodeScalarView()
                inWord = false
            }
        } else {
            addRawChar(c)
        }
    }

    mutating func addRawChar(_ c: Unicode.Scalar) {
        buffer.append(c)
        inWord = true
    }

    mutating func addString(_ text: String) {
        for c in text.unicodeScalars { addChar(c) }
    }

    mutating func addRawString(_ text: String) {
        buffer.append(contentsOf: text.unicodeScalars)
        inWord = true
    }

    mutating func finish() -> [String] {
        if !buffer.isEmpty {
            words.append(String(buffer))
            buffer = String.UnicodeScalarView()
            inWord = false
        }
        return words
    }
}
