import XArchModel

/// `arch-case-fallback`: an architecture mapping whose fallback (`*)` of a `case`, `else` of an `if`)
/// picks one architecture instead of failing.
extension LintContext {
    /// Words in a fallback branch that say it fails: then it is a guard, not a fallback.
    private static let failureWords = ["exit", "false", "return", "error", "die", "unsupported", "not supported", ">&2", "abort"]

    func caseFallbackFindings() -> [Finding] {
        stages.stages.flatMap { stage in
            stage.instructions.filter { $0.command == "run" }.compactMap { instruction in
                texts(of: instruction).lazy.compactMap { self.fallback(in: $0, instruction) }.first
            }
        }
    }

    /// Whether a `case` subject or `if` condition reads the architecture.
    static func readsArchitecture(_ text: String) -> Bool {
        if ArchitectureProbes.first(in: text) != nil { return true }
        let upper = text.uppercased()
        return upper.contains("ARCH") || upper.contains("PLATFORM")
    }

    private func fallback(in text: String, _ instruction: Instruction) -> Finding? {
        var branches: [(subject: String, body: String)] = []
        for statement in ShellCase.all(in: text) where Self.readsArchitecture(statement.subject) {
            if let arm = statement.arms.first(where: { $0.patterns == ["*"] }) { branches.append((statement.subject, arm.body)) }
        }
        branches += elseBranches(in: text)
        for (subject, body) in branches {
            let lowered = body.lowercased()
            guard !Self.failureWords.contains(where: lowered.contains),
                  let token = ArchitectureNames.find(in: body.scalars).first else { continue }
            // The body's first line as written, then the name inside it (an earlier arm may name it too).
            let line = body.trimmingBlanks.split(separator: "\n").first.map { String($0).trimmingBlanks } ?? ""
            var range = locate(line, in: instruction, offset: line.distance(of: token.text), length: token.text.unicodeScalars.count)
            if !line.contains(token.text) || range == instruction.keyword.range { range = locate(token.text, in: instruction) }
            return byDesign(LintRules.archCaseFallback.finding((subject.trimmingBlanks, token.architecture, token.text), file: file, at: range),
                            architecture: token.architecture)
        }
        return nil
    }

    /// `if COND; then …; else BODY; fi` where COND reads the architecture: the condition and BODY (up to
    /// the first `fi`; nesting is not followed, which can only hide a branch).
    private func elseBranches(in text: String) -> [(String, String)] {
        let scalars = text.scalars
        var found: [(String, String)] = []
        var i = 0
        while let start = ShellCase.keyword("if", in: scalars, from: i) {
            guard let then = ShellCase.keyword("then", in: scalars, from: start + 2),
                  let end = ShellCase.keyword("fi", in: scalars, from: then + 4) else { break }
            let condition = scalars[(start + 2)..<then].string
            var elseStart: Int?
            var j = then + 4
            while let next = ShellCase.keyword("else", in: scalars, from: j), next < end { elseStart = next; j = next + 4 }
            if Self.readsArchitecture(condition), let elseStart {
                found.append((condition.trimmingBlanks.trimmingCharacters(in: [";"]), scalars[(elseStart + 4)..<end].string))
            }
            i = end + 2
        }
        return found
    }
}
