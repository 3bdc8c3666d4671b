/// Per-instruction argument splitting, as BuildKit's line parsers (`line_parsers.go`) do it.
struct ParsedArguments {
    var words: [Word] = []
    var isJSON = false
    var isKnown = true
    var trigger: Instruction?
}

struct LineParsers {
    let line: LogicalLine
    let escape: Unicode.Scalar

    enum Rule {
        case maybeJSON, maybeJSONToList, whitespaceDelimited, string, nameOrNameValue, environment, label
        case healthcheck, subcommand
    }

    /// BuildKit's dispatch table: which rule splits which instruction's arguments.
    static let rules: [String: Rule] = [
        "add": .maybeJSONToList, "arg": .nameOrNameValue, "cmd": .maybeJSON, "copy": .maybeJSONToList,
        "entrypoint": .maybeJSON, "env": .environment, "expose": .whitespaceDelimited,
        "from": .whitespaceDelimited, "healthcheck": .healthcheck, "label": .label, "maintainer": .string,
        "onbuild": .subcommand, "run": .maybeJSON, "shell": .maybeJSON, "stopsignal": .string,
        "user": .string, "volume": .maybeJSONToList, "workdir": .string,
    ]

    func parse(command: String, _ range: Range<Int>) throws -> ParsedArguments {
        guard let rule = Self.rules[command] else { return ParsedArguments(isKnown: false) }
        switch rule {
        case .maybeJSON: return try maybeJSON(range)
        case .maybeJSONToList: return try maybeJSONToList(range)
        case .whitespaceDelimited: return ParsedArguments(words: whitespaceDelimited(range))
        case .string: return ParsedArguments(words: range.isEmpty ? [] : [line.word(range)])
        case .nameOrNameValue: return ParsedArguments(words: words(range).map { line.word($0) })
        case .environment: return ParsedArguments(words: try nameValue(range, key: "ENV"))
        case .label: return ParsedArguments(words: try nameValue(range, key: "LABEL"))
        case .healthcheck: return try healthcheck(range)
        case .subcommand:
            guard !range.isEmpty else { return ParsedArguments() }
            return ParsedArguments(trigger: try InstructionBuilder(line: line, escape: escape).instruction(range))
        }
    }

    /// The exec form if the text is a JSON array of strings, else the whole text as one argument.
    func maybeJSON(_ range: Range<Int>) throws -> ParsedArguments {
        guard !range.isEmpty else { return ParsedArguments() }
        if let json = try json(range) { return json }
        return ParsedArguments(words: [line.word(range)])
    }

    /// The exec form, or words split at `[\t\v\f\r ]` (ADD, COPY, VOLUME).
    func maybeJSONToList(_ range: Range<Int>) throws -> ParsedArguments {
        if let json = try json(range) { return json }
        return ParsedArguments(words: whitespaceDelimited(range))
    }

    private func json(_ range: Range<Int>) throws -> ParsedArguments? {
        switch JSONArray.parse(line.scalars, range) {
        case .notJSON: return nil
        case .notStringArray:
            throw DockerfileSyntaxError("when using JSON array syntax, arrays must be comprised of strings only",
                                        at: line.position(range.lowerBound))
        case .strings(let elements):
            return ParsedArguments(words: elements.map { Word($0.0, at: line.position($0.1)) }, isJSON: true)
        }
    }

    func whitespaceDelimited(_ range: Range<Int>) -> [Word] {
        var words: [Word] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let start = i
            while i < range.upperBound, !line.scalars[i].isTokenSpace { i += 1 }
            words.append(line.word(start..<i))
            while i < range.upperBound, line.scalars[i].isTokenSpace { i += 1 }
        }
        return words
    }

    /// `HEALTHCHECK TYPE rest`: the type, then the rest as `maybeJSON`.
    private func healthcheck(_ range: Range<Int>) throws -> ParsedArguments {
        func asciiSpace(_ c: Unicode.Scalar) -> Bool { c == " " || (0x09...0x0D).contains(c.value) }
        var separator = range.lowerBound
        while separator < range.upperBound, !asciiSpace(line.scalars[separator]) { separator += 1 }
        guard separator > range.lowerBound else { return ParsedArguments() }
        var next = separator
        while next < range.upperBound, asciiSpace(line.scalars[next]) { next += 1 }
        var result = try maybeJSON(next..<range.upperBound)
        result.words.insert(line.word(range.lowerBound..<separator), at: 0)
        return result
    }
}
