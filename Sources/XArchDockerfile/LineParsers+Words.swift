/// Word splitting of `ARG`, `ENV` and `LABEL` (BuildKit `parseWords`, `parseNameVal`).
extension LineParsers {
    /// Words separated by white space; quotes group, and the escape character and quotes stay in the word.
    func words(_ range: Range<Int>) -> [Range<Int>] {
        let s = line.scalars
        var words: [Range<Int>] = []
        var inWord = false, inQuote = false, blankOK = false
        var quote: Unicode.Scalar = "\0"
        var start = range.lowerBound
        var wordEnd = range.lowerBound
        var pos = range.lowerBound
        let end = range.upperBound
        func flush() {
            if blankOK || wordEnd > start { words.append(start..<wordEnd) }
        }
        while pos <= end {
            if !inWord && !inQuote {
                if pos == end { break }
                if s[pos].isGoSpace { pos += 1; continue }
                inWord = true
                start = pos
                wordEnd = pos
            }
            if pos == end {
                flush()
                break
            }
            let ch = s[pos]
            if inQuote {
                if ch == quote { inQuote = false }
                if ch == escape && quote != "'" {
                    if pos + 1 == end { inQuote = false; pos += 1; continue }
                    pos += 1
                }
                pos += 1
                wordEnd = pos
                continue
            }
            if ch.isGoSpace {
                inWord = false
                flush()
                blankOK = false
                pos += 1
                continue
            }
            if ch == "'" || ch == "\"" {
                quote = ch
                blankOK = true
                inQuote = true
            }
            if ch == escape {
                if pos + 1 == end { pos += 1; continue }
                pos += 1
            }
            pos += 1
            wordEnd = pos
        }
        return words
    }

    /// `KEY value` (legacy: the rest of the line is the value) or `KEY=value …` (one pair per word), as
    /// key, value, separator triples.
    func nameValue(_ range: Range<Int>, key: String) throws -> [Word] {
        let found = words(range)
        guard let first = found.first else { return [] }
        if !line.scalars[first].contains("=") {
            var split = range.lowerBound
            while split < range.upperBound, !line.scalars[split].isTokenSpace { split += 1 }
            guard split < range.upperBound else {
                throw DockerfileSyntaxError("\(key) must have two arguments", at: line.position(range.lowerBound))
            }
            var valueStart = split
            while valueStart < range.upperBound, line.scalars[valueStart].isTokenSpace { valueStart += 1 }
            return [line.word(range.lowerBound..<split), line.word(valueStart..<range.upperBound),
                    Word("", at: line.position(split))]
        }
        var result: [Word] = []
        for word in found {
            guard let eq = line.scalars[word].firstIndex(of: "=") else {
                throw DockerfileSyntaxError("Syntax error - can't find = in \(GoQuote.quote(line.text(word))). Must be of the form: name=value",
                                            at: line.position(word.lowerBound))
            }
            result.append(line.word(word.lowerBound..<eq))
            result.append(line.word((eq + 1)..<word.upperBound))
            result.append(Word("=", at: line.position(eq)))
        }
        return result
    }
}
