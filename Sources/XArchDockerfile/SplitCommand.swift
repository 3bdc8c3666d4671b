/// Splitting a logical line into instruction name, builder flags and the rest (BuildKit `splitCommand`
/// and `extractBuilderFlags`).
struct SplitCommand {
    var command: Range<Int>
    var flags: [Word]
    var arguments: Range<Int>

    /// Splits `line[range]`. The name ends at the first run of `[\t\v\f\r ]`; flags are the following
    /// words that start with `--`, up to the first other word or a bare `--`.
    init(_ line: LogicalLine, _ range: Range<Int>, escape: Unicode.Scalar) {
        let whole = line.trimmed(range)
        var split = whole.lowerBound
        while split < whole.upperBound, !line.scalars[split].isTokenSpace { split += 1 }
        command = whole.lowerBound..<split
        guard split < whole.upperBound else {
            flags = []
            arguments = whole.upperBound..<whole.upperBound
            return
        }
        var rest = split
        while rest < whole.upperBound, line.scalars[rest].isTokenSpace { rest += 1 }
        let (argumentStart, flags) = Self.extractFlags(line, rest..<whole.upperBound, escape: escape)
        self.flags = flags
        arguments = line.trimmed(argumentStart..<whole.upperBound)
    }

    /// BuildKit scans flags byte by byte (a multi-byte character is read as several Latin-1 characters,
    /// and a byte 0x85 or 0xA0 counts as white space); this does the same so flag values match.
    private static func extractFlags(_ line: LogicalLine, _ range: Range<Int>, escape: Unicode.Scalar) -> (Int, [Word]) {
        var bytes: [UInt8] = []
        var owner: [Int] = []
        for i in range {
            for byte in String(line.scalars[i]).utf8 {
                bytes.append(byte)
                owner.append(i)
            }
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) || b == 0x85 || b == 0xA0 }
        func scalarIndex(_ pos: Int) -> Int { pos < owner.count ? owner[pos] : range.upperBound }
        let escapeByte: UInt8? = escape.isASCII ? UInt8(escape.value) : nil

        var words: [Word] = []
        var word = String.UnicodeScalarView()
        var wordStart = 0
        var inQuote = false, inWord = false, blankOK = false
        var quote: UInt8 = 0
        var pos = 0
        while pos <= bytes.count {
            if !inWord && !inQuote {
                if pos == bytes.count { break }
                let ch = bytes[pos]
                if isSpace(ch) { pos += 1; continue }
                if ch != UInt8(ascii: "-") || pos + 1 == bytes.count || bytes[pos + 1] != UInt8(ascii: "-") {
                    return (scalarIndex(pos), words)
                }
                inWord = true
                wordStart = pos
            }
            if pos == bytes.count {
                let text = String(word)
                if text != "--" && (blankOK || !word.isEmpty) {
                    words.append(Word(text, at: line.position(scalarIndex(wordStart))))
                }
                break
            }
            var ch = bytes[pos]
            if inQuote {
                if ch == quote {
                    inQuote = false
                    pos += 1
                    continue
                }
                if ch == escapeByte {
                    if pos + 1 == bytes.count {
                        inQuote = false
                        pos += 1
                        continue
                    }
                    pos += 1
                    ch = bytes[pos]
                }
                word.append(Unicode.Scalar(ch))
                pos += 1
                continue
            }
            if isSpace(ch) {
                let text = String(word)
                inWord = false
                if text == "--" { return (scalarIndex(pos), words) }
                if blankOK || !word.isEmpty {
                    words.append(Word(text, at: line.position(scalarIndex(wordStart))))
                }
                word = String.UnicodeScalarView()
                blankOK = false
                pos += 1
                continue
            }
            if ch == UInt8(ascii: "'") || ch == UInt8(ascii: "\"") {
                quote = ch
                blankOK = true
                inQuote = true
                pos += 1
                continue
            }
            if ch == escapeByte {
                if pos + 1 == bytes.count { pos += 1; continue }
                pos += 1
                ch = bytes[pos]
            }
            word.append(Unicode.Scalar(ch))
            pos += 1
        }
        return (range.upperBound, words)
    }
}
