/// `case WORD in PATTERN) BODY ;; … esac` statements in shell text (POSIX shell, "Case Conditional
/// Construct"), read well enough to judge architecture mappings: the subject word, and each arm's
/// patterns (split at `|`) and body. Nested `case` statements end the outer one early; that only
/// hides arms from the rules, it never invents one.
struct ShellCase: Sendable, Hashable {
    struct Arm: Sendable, Hashable {
        var patterns: [String]
        var body: String
    }

    /// The word after `case`, quotes kept: `"$(uname -m)"`, `$TARGETARCH`.
    var subject: String
    var arms: [Arm]
    /// The offset of `case` in the text, in Unicode scalars.
    var offset: Int

    /// Every `case` statement in `text`, in order.
    static func all(in text: String) -> [ShellCase] {
        let scalars = text.scalars
        var found: [ShellCase] = []
        var i = 0
        while let start = keyword("case", in: scalars, from: i) {
            guard let inKeyword = keyword("in", in: scalars, from: start + 4),
                  let end = keyword("esac", in: scalars, from: inKeyword + 2) else { break }
            let subject = scalars[(start + 4)..<inKeyword].string.trimmingBlanks
            let body = scalars[(inKeyword + 2)..<end].string
            found.append(ShellCase(subject: subject, arms: arms(body), offset: start))
            i = end + 4
        }
        return found
    }

    private static func arms(_ body: String) -> [Arm] {
        body.components(separatedBy: ";;").compactMap { part in
            var text = Substring(part.trimmingBlanks)
            while text.hasPrefix("&") { text = text.dropFirst() }
            if text.hasPrefix("(") { text = text.dropFirst() }
            guard let close = text.firstIndex(of: ")") else { return nil }
            let patterns = text[..<close].split(separator: "|").map { String($0).trimmingBlanks.trimmingQuotes }
            return Arm(patterns: patterns, body: String(text[text.index(after: close)...]))
        }
    }

    /// The offset of `word` standing alone (between blanks, `;`, `(`, `)` or the ends) at or after `from`.
    static func keyword(_ word: String, in text: [Unicode.Scalar], from: Int) -> Int? {
        let needle = word.scalars
        func isBoundary(_ c: Unicode.Scalar) -> Bool { c.isGoSpace || ";()&|`".unicodeScalars.contains(c) }
        var i = from
        while i + needle.count <= text.count {
            if Array(text[i..<(i + needle.count)]) == needle, i == 0 || isBoundary(text[i - 1]),
               i + needle.count == text.count || isBoundary(text[i + needle.count]) {
                return i
            }
            i += 1
        }
        return nil
    }
}

extension String {
    /// Without leading and trailing blanks and newlines.
    var trimmingBlanks: String {
        let scalars = unicodeScalars.drop { $0.isGoSpace }
        return String(String.UnicodeScalarView(scalars.reversed().drop { $0.isGoSpace }.reversed()))
    }

    /// Without one pair of surrounding quotes.
    var trimmingQuotes: String {
        guard count >= 2, let first, first == last, first == "\"" || first == "'" else { return self }
        return String(dropFirst().dropLast())
    }
}
