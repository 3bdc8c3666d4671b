/// Here-documents (Dockerfile reference, "Here-Documents"; BuildKit `heredocsFromLine`, `ParseHeredoc`).
extension ParserState {
    /// Finds the heredoc markers of an instruction and reads each body, in order, from the lines after it.
    mutating func readHeredocs(for line: LogicalLine, instructionLine: Int) throws -> [Heredoc] {
        var markers: [Heredoc] = []
        for word in Self.heredocWords(line.scalars.string) {
            if let marker = try Self.heredoc(fromWord: word, at: SourcePosition(line: instructionLine, column: 1)) {
                markers.append(marker)
            }
        }
        var heredocs: [Heredoc] = []
        for var heredoc in markers {
            let bodyStart = next + 1
            var content = String.UnicodeScalarView()
            var terminated = false
            while next < lines.count {
                let index = next
                next += 1
                var candidate = lines.content(index)
                if heredoc.chomp { candidate = candidate.drop { $0 == "\t" } }
                if candidate.string == heredoc.name {
                    terminated = true
                    break
                }
                content.append(contentsOf: lines.raw(index))
            }
            guard terminated else {
                throw DockerfileSyntaxError("unterminated heredoc", at: SourceRange(
                    start: SourcePosition(line: instructionLine, column: 1), end: SourcePosition(line: max(next, 1), column: 1)))
            }
            heredoc.content = String(content)
            heredoc.range = SourceRange(start: SourcePosition(line: bodyStart, column: 1),
                                        end: SourcePosition(line: next, column: max(1, lines.content(next - 1).count)))
            heredocs.append(heredoc)
        }
        return heredocs
    }

    /// The line's words with quotes, escapes and unset variables left as written; lexing errors mean no words.
    static func heredocWords(_ line: String) -> [String] {
        var lexer = ShellLexer(escapeToken: "\\")
        lexer.rawQuotes = true
        lexer.rawEscapes = true
        lexer.skipUnsetEnvironment = true
        return (try? lexer.words(line, environment: ShellEnvironment())) ?? []
    }

    /// `^(\d*)<<(-?)\s*([^<]*)$`, then the delimiter lexed with and without quotes: if the counts of quote
    /// characters differ, part of it was quoted and the body is not expanded.
    static func heredoc(fromWord word: String, at position: SourcePosition) throws -> Heredoc? {
        let s = word.scalars
        var i = 0
        while i < s.count, s[i].isASCIIDigit { i += 1 }
        let digits = s[0..<i].string
        guard i + 1 < s.count, s[i] == "<", s[i + 1] == "<" else { return nil }
        i += 2
        var chomp = false
        if i < s.count, s[i] == "-" {
            chomp = true
            i += 1
        }
        while i < s.count, [" ", "\t", "\n", "\u{0C}", "\r"].contains(s[i]) { i += 1 }
        let rest = s[i...]
        guard !rest.contains("<"), !rest.isEmpty else { return nil }
        let restText = rest.string
        var lexer = ShellLexer(escapeToken: "\\")
        lexer.skipUnsetEnvironment = true
        let words: [String]
        let rawWords: [String]
        do {
            words = try lexer.words(restText, environment: ShellEnvironment())
            guard words.count == 1 else { return nil }
            lexer.rawQuotes = true
            rawWords = try lexer.words(restText, environment: ShellEnvironment())
        } catch {
            throw DockerfileSyntaxError(DockerfileSyntaxError.message(of: error) ?? "\(error)", at: position)
        }
        guard rawWords.count == words.count else {
            throw DockerfileSyntaxError("internal lexing of heredoc produced inconsistent results: \(restText)", at: position)
        }
        func quotes(_ text: String) -> Int { text.unicodeScalars.filter { $0 == "'" || $0 == "\"" }.count }
        return Heredoc(name: words[0], fileDescriptor: Int(digits) ?? 0, expand: quotes(words[0]) == quotes(rawWords[0]),
                       chomp: chomp, content: "", range: SourceRange(position))
    }
}
