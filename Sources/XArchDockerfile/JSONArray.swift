/// The exec form's JSON array, parsed as Go's `json.Unmarshal` into `[]any` followed by BuildKit's
/// "strings only" check (`parseJSON` in BuildKit's line parsers), keeping each element's position.
///
/// Three outcomes, as in BuildKit: not JSON at all (the instruction falls back to its shell or
/// whitespace form), a JSON array with a non-string element (a parse error), or an array of strings.
enum JSONArray {
    enum Outcome: Equatable {
        case notJSON
        case notStringArray
        /// The strings and the index of each element's opening quote.
        case strings([(String, Int)])

        static func == (a: Outcome, b: Outcome) -> Bool {
            switch (a, b) {
            case (.notJSON, .notJSON), (.notStringArray, .notStringArray): return true
            case (.strings(let x), .strings(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
            default: return false
            }
        }
    }

    /// Parses `text[range]`, which must be a whole JSON document whose value is an array.
    static func parse(_ text: [Unicode.Scalar], _ range: Range<Int>) -> Outcome {
        var reader = Reader(text: text, index: range.lowerBound, end: range.upperBound)
        reader.skipWhitespace()
        guard reader.peek() == "[" else { return .notJSON }
        var elements: [(String?, Int)] = []
        do {
            reader.index += 1
            reader.skipWhitespace()
            if reader.peek() == "]" {
                reader.index += 1
            } else {
                while true {
                    reader.skipWhitespace()
                    let start = reader.index
                    elements.append((try reader.value(), start))
                    reader.skipWhitespace()
                    guard let c = reader.next() else { throw Reader.Invalid() }
                    if c == "]" { break }
                    guard c == "," else { throw Reader.Invalid() }
                }
            }
            reader.skipWhitespace()
            guard reader.index == reader.end else { throw Reader.Invalid() }
        } catch {
            return .notJSON
        }
        var strings: [(String, Int)] = []
        for (value, start) in elements {
            guard let value else { return .notStringArray }
            strings.append((value, start))
        }
        return .strings(strings)
    }

    /// A strict JSON reader (RFC 8259, as Go's decoder accepts it).
    private struct Reader {
        struct Invalid: Error {}
        let text: [Unicode.Scalar]
        var index: Int
        let end: Int

        func peek() -> Unicode.Scalar? { index < end ? text[index] : nil }

        mutating func next() -> Unicode.Scalar? {
            guard index < end else { return nil }
            defer { index += 1 }
            return text[index]
        }

        mutating func skipWhitespace() {
            while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { index += 1 }
        }

        /// Any JSON value; returns the string for a string value, nil for any other valid value.
        mutating func value() throws -> String? {
            guard let c = peek() else { throw Invalid() }
            switch c {
            case "\"": return try string()
            case "[": try container(close: "]", keyed: false)
            case "{": try container(close: "}", keyed: true)
            case "t": try literal("true")
            case "f": try literal("false")
            case "n": try literal("null")
            default: try number()
            }
            return nil
        }

        mutating func container(close: Unicode.Scalar, keyed: Bool) throws {
            index += 1
            skipWhitespace()
            if peek() == close { index += 1; return }
            while true {
                skipWhitespace()
                if keyed {
                    guard peek() == "\"" else { throw Invalid() }
                    _ = try string()
                    skipWhitespace()
                    guard next() == ":" else { throw Invalid() }
                    skipWhitespace()
                }
                _ = try value()
                skipWhitespace()
                guard let c = next() else { throw Invalid() }
                if c == close { return }
                guard c == "," else { throw Invalid() }
            }
        }

        mutating func literal(_ word: String) throws {
            for expected in word.unicodeScalars {
                guard next() == expected else { throw Invalid() }
            }
        }

        mutating func number() throws {
            if peek() == "-" { index += 1 }
            guard let first = next(), first.isASCIIDigit else { throw Invalid() }
            if first != "0" { while let c = peek(), c.isASCIIDigit { index += 1 } }
            if peek() == "." {
                index += 1
                guard let c = next(), c.isASCIIDigit else { throw Invalid() }
                while let c = peek(), c.isASCIIDigit { index += 1 }
            }
            if let e = peek(), e == "e" || e == "E" {
                index += 1
                if let sign = peek(), sign == "+" || sign == "-" { index += 1 }
                guard let c = next(), c.isASCIIDigit else { throw Invalid() }
                while let c = peek(), c.isASCIIDigit { index += 1 }
            }
        }

        mutating func string() throws -> String {
            index += 1
            var out = String.UnicodeScalarView()
            while true {
                guard let c = next() else { throw Invalid() }
                switch c {
                case "\"": return String(out)
                case "\\":
                    guard let e = next() else { throw Invalid() }
                    switch e {
                    case "\"", "\\", "/": out.append(e)
                    case "b": out.append("\u{08}")
                    case "f": out.append("\u{0C}")
                    case "n": out.append("\n")
                    case "r": out.append("\r")
                    case "t": out.append("\t")
                    case "u": out.append(try unicodeEscape())
                    default: throw Invalid()
                    }
                default:
                    guard c.value >= 0x20 else { throw Invalid() }
                    out.append(c)
                }
            }
        }

        /// `\uXXXX`, combining a surrogate pair; a lone surrogate becomes U+FFFD as in Go.
        mutating func unicodeEscape() throws -> Unicode.Scalar {
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high) {
                let save = index
                if next() == "\\", next() == "u", let low = try? hex4(), (0xDC00..<0xE000).contains(low) {
                    return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
                }
                index = save
                return "\u{FFFD}"
            }
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        }

        mutating func hex4() throws -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let c = next(), let digit = Int(String(c), radix: 16) else { throw Invalid() }
                value = value * 16 + UInt32(digit)
            }
            return value
        }
    }
}
