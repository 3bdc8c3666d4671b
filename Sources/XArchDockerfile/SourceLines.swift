/// The physical lines of a Dockerfile, each with its line ending (BuildKit scans with a `ScanLines`
/// variant that keeps `\n`).
struct SourceLines {
    let scalars: [Unicode.Scalar]
    /// For each line, the range of its characters including the line ending.
    let ranges: [Range<Int>]

    init(_ text: String) {
        scalars = text.scalars
        var ranges: [Range<Int>] = []
        var start = 0
        for (i, c) in scalars.enumerated() where c == "\n" {
            ranges.append(start..<(i + 1))
            start = i + 1
        }
        if start < scalars.count { ranges.append(start..<scalars.count) }
        self.ranges = ranges
    }

    var count: Int { ranges.count }

    /// The line `index` (0-based) with its line ending.
    func raw(_ index: Int) -> ArraySlice<Unicode.Scalar> { scalars[ranges[index]] }

    /// The line without trailing `\r` and `\n` characters (BuildKit `trimNewline`).
    func content(_ index: Int) -> ArraySlice<Unicode.Scalar> {
        var text = raw(index)
        while let last = text.last, last == "\n" || last == "\r" { text = text.dropLast() }
        return text
    }

    /// The UTF-8 length of a line's content, for BuildKit's 64 KiB line limit.
    func utf8Length(_ index: Int) -> Int {
        content(index).reduce(0) { $0 + String($1).utf8.count }
    }
}

/// Parser directive recognition (BuildKit `DirectiveParser`): `# name=value` lines at the very top.
struct DirectiveScanner {
    static let known: Set<String> = ["syntax", "escape", "check"]
    private(set) var done = false
    private var seen: Set<String> = []

    /// Looks at a line (already stripped of leading white space when it starts an instruction).
    mutating func scan(_ line: ArraySlice<Unicode.Scalar>, number: Int) throws -> ParserDirective? {
        guard !done else { return nil }
        guard line.first == "#" else { done = true; return nil }
        var rest = line.dropFirst()
        while let c = rest.first, c.isGoSpace { rest = rest.dropFirst() }
        guard let (name, value) = Self.match(rest), Self.known.contains(name.lowercased()) else {
            done = true
            return nil
        }
        let key = name.lowercased()
        let range = SourceRange(start: SourcePosition(line: number, column: 1),
                                end: SourcePosition(line: number, column: max(1, line.count)))
        guard seen.insert(key).inserted else {
            throw DockerfileSyntaxError("only one \(key) parser directive can be used", at: range)
        }
        return ParserDirective(name: key, value: value, range: range)
    }

    /// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` with Go's `\s` (`[\t\n\f\r ]`).
    static func match(_ text: ArraySlice<Unicode.Scalar>) -> (String, String)? {
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\u{0C}" || c == "\r" }
        func isLetter(_ c: Unicode.Scalar) -> Bool { c.isASCII && c.properties.isAlphabetic }
        var i = text.startIndex
        guard i < text.endIndex, isLetter(text[i]) else { return nil }
        while i < text.endIndex, text[i].isASCIIAlphanumeric { i += 1 }
        let name = text[text.startIndex..<i].string
        while i < text.endIndex, isSpace(text[i]) { i += 1 }
        guard i < text.endIndex, text[i] == "=" else { return nil }
        i += 1
        var tail = text[i...]
        guard !tail.isEmpty, !tail.contains("\n") else { return nil }
        while let c = tail.first, isSpace(c), tail.count > 1 { tail = tail.dropFirst() }
        while let c = tail.last, isSpace(c), tail.count > 1 { tail = tail.dropLast() }
        return (name, tail.string)
    }
}
