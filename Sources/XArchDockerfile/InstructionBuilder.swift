/// Builds one instruction from a logical line (BuildKit `newNodeFromLine`).
struct InstructionBuilder {
    let line: LogicalLine
    let escape: Unicode.Scalar

    func instruction(_ range: Range<Int>) throws -> Instruction {
        let split = SplitCommand(line, range, escape: escape)
        let keyword = line.word(split.command)
        let command = keyword.value.lowercased()
        let parsed = try LineParsers(line: line, escape: escape).parse(command: command, split.arguments)
        let lastPosition = range.isEmpty ? line.position(range.lowerBound) : line.position(range.upperBound - 1)
        return Instruction(keyword: keyword, flags: split.flags, arguments: parsed.words, isJSON: parsed.isJSON,
                           original: line.text(range), range: SourceRange(start: keyword.position, end: lastPosition),
                           isKnown: parsed.isKnown, trigger: parsed.trigger)
    }
}

extension Instruction {
    /// Whether heredoc markers in this instruction start here-documents: `RUN`, `COPY` and `ADD` in the
    /// shell form, also as an `ONBUILD` trigger (BuildKit `canContainHeredoc`).
    var canContainHeredoc: Bool {
        let target = command == "onbuild" ? (trigger ?? self) : self
        return ["add", "copy", "run"].contains(target.command) && !target.isJSON
    }
}
