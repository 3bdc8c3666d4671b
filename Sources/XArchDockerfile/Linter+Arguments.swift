/// `undeclared-platform-arg`: automatic platform variables used in a stage that did not declare them.
extension LintContext {
    /// Instructions whose text is expanded at build time (or by the shell with the build's variables).
    static let expandingInstructions: Set<String> = ["run", "copy", "add", "env", "label", "workdir", "user", "expose",
                                                     "volume", "stopsignal", "arg"]

    func undeclaredArgumentFindings() -> [Finding] {
        var findings: [Finding] = []
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        let globals = stages.globalArgDefaults
        for stage in stages.stages {
            var scope = stages.initialScope(of: stage, globals: globals, lexer: lexer)
            var reported: Set<String> = []
            for instruction in stage.instructions {
                if Self.expandingInstructions.contains(instruction.command) {
                    for name in usedPlatformVariables(instruction, scope: scope, lexer: lexer) where !reported.contains(name) {
                        reported.insert(name)
                        let reference = locateReference(name, in: instruction)
                        findings.append(LintRules.undeclaredPlatformArg.finding((name, describe(stage)), file: file, at: reference,
                                                                               fix: "Add `ARG \(name)` after line \(stage.from.position.line)."))
                    }
                }
                scope.apply(instruction, globals: globals, lexer: lexer)
            }
        }
        return findings
    }

    /// The automatic platform variables an instruction uses that the scope does not declare, in order of use.
    private func usedPlatformVariables(_ instruction: Instruction, scope: StageScope, lexer: ShellLexer) -> [String] {
        var texts = texts(of: instruction)
        var declared = scope.declared
        if instruction.command == "arg" {
            // Each ARG pair sees the ones before it on the same line.
            texts = []
            var used: [String] = []
            for declaration in ArgDeclaration.parse(instruction) {
                if let value = declaration.defaultValue {
                    used += undeclared(in: value, declared: declared, lexer: lexer)
                }
                declared.insert(declaration.name)
            }
            return used
        }
        return texts.flatMap { undeclared(in: $0, declared: declared, lexer: lexer) }
    }

    private func undeclared(in text: String, declared: Set<String>, lexer: ShellLexer) -> [String] {
        let automatic = DockerfileStages.automaticPlatformArgs
        guard text.contains("$") else { return [] }
        let environment = ShellEnvironment(Dictionary(uniqueKeysWithValues: declared.map { ($0, "") }))
        let referenced: Set<String>
        if let expansion = try? lexer.expand(text, environment: environment) {
            referenced = expansion.unmatched
        } else {
            referenced = Set(automatic.filter { ArchitectureProbes.references($0, in: text) && !declared.contains($0) })
        }
        return automatic.filter { referenced.contains($0) }
    }

    /// Where `$NAME` or `${NAME}` first appears in the instruction.
    func locateReference(_ name: String, in instruction: Instruction) -> SourceRange {
        var best: (SourcePosition, Int)?
        for (form, length) in [("${" + name, name.count + 3), ("$" + name, name.count + 1)] {
            guard let position = dockerfile.locate(form, from: instruction.position, through: instruction.range.end.line) else { continue }
            if best == nil || position < best!.0 { best = (position, length) }
        }
        guard let (start, length) = best else { return instruction.keyword.range }
        return SourceRange(start: start, end: SourcePosition(line: start.line, column: start.column + length - 1))
    }
}
