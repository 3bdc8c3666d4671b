import XArchModel

/// What a build asks of an instruction beyond what the parser keeps: its line, the text an `ONBUILD`
/// registers, flag checks and errors that name the line (Dockerfile reference, "Format" and ONBUILD).
extension Instruction {
    /// The line of the keyword, from 1.
    public var line: Int { position.line }

    /// The instruction an `ONBUILD` registers, as Docker stores it in the config's `OnBuild`
    /// (`ONBUILD COPY a b` → `COPY a b`); nil for other instructions and an `ONBUILD` without one.
    public var triggerText: String? {
        guard trigger != nil else { return nil }
        let trimmed = original.drop { $0 == " " || $0 == "\t" }
        return String(trimmed.dropFirst("ONBUILD".count).drop { $0 == " " || $0 == "\t" })
    }

    /// Refuses `--flags` other than `allowed` (lowercase names), naming the line.
    public func checkFlags(_ allowed: Set<String>) throws {
        for flag in flags {
            let body = flag.value.hasPrefix("--") ? String(flag.value.dropFirst(2)) : flag.value
            let name = String(body.prefix { $0 != "=" }).lowercased()
            guard !allowed.contains(name) else { continue }
            let known = allowed.isEmpty ? "it takes no flags" : "it takes " + allowed.sorted().map { "--\($0)" }.joined(separator: ", ")
            throw fail("unknown flag --\(name) for \(command.uppercased()) (\(known))")
        }
    }

    /// An error about this instruction, naming its line: `Dockerfile line 7: …`.
    public func fail(_ message: String, code: XArchError.Code = .invalidInput) -> XArchError {
        XArchError(code, "Dockerfile line \(line): \(message)")
    }

    /// The same instruction with every position moved `delta` lines, for an instruction parsed apart
    /// from the file it is reported in (a base image's `ONBUILD` trigger, reported at its `FROM`).
    public func shifted(byLines delta: Int) -> Instruction {
        func move(_ position: SourcePosition) -> SourcePosition { SourcePosition(line: position.line + delta, column: position.column) }
        func move(_ range: SourceRange) -> SourceRange { SourceRange(start: move(range.start), end: move(range.end)) }
        func move(_ word: Word) -> Word { Word(word.value, at: move(word.position)) }
        var moved = self
        moved.keyword = move(keyword)
        moved.flags = flags.map(move)
        moved.arguments = arguments.map(move)
        moved.heredocs = heredocs.map { heredoc in
            var heredoc = heredoc
            heredoc.range = move(heredoc.range)
            return heredoc
        }
        moved.range = move(range)
        moved.comments = comments.map { Comment(text: $0.text, position: move($0.position)) }
        moved.trigger = trigger?.shifted(byLines: delta)
        return moved
    }
}
