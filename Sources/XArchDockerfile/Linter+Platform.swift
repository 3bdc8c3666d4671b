import XArchModel

/// `constant-platform`, `redundant-target-platform`, `buildplatform-in-final-stage`.
extension LintContext {
    func platformFindings() -> [Finding] {
        var findings: [Finding] = []
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        let environment = stages.symbolicGlobalEnvironment
        for stage in stages.stages {
            guard let flag = stage.platform, let expansion = try? lexer.expand(flag.value, environment: environment) else { continue }
            let range = flagRange(stage, flag)
            let isConstant = expansion.matched.isEmpty && expansion.unmatched.isEmpty
            var pinned: String?
            if isConstant {
                pinned = expansion.result
            } else if case .argumentDefault(let value) = stages.classify(flag.value) {
                // Beyond BuildKit: a global ARG default pins the stage just as well, unless overridden.
                pinned = value
            }
            if let pinned {
                // As BuildKit: only a value that parses as a platform; the stage name may say the platform.
                if let platform = try? Platform(parsing: pinned) {
                    let name = stage.name ?? ""
                    if !(name.contains(platform.os) || name.contains(platform.architecture)) {
                        findings.append(LintRules.constantPlatform.finding((flag.value, pinned, describe(stage)), file: file, at: range))
                    }
                }
            } else if expansion.matched == ["TARGETPLATFORM"], expansion.unmatched.isEmpty,
                      expansion.result == DockerfileStages.sentinel("TARGETPLATFORM") {
                findings.append(LintRules.redundantTargetPlatform.finding(flag.value, file: file, at: range))
            }
        }
        if let final = stages.finalStage {
            let resolved = stages.platform(of: final)
            if resolved.platform == .build {
                let inherited = resolved.inheritedFrom.map { " (inherited from stage \(describe(stages.stages[$0])))" } ?? ""
                let range = final.platform.map { flagRange(final, $0) } ?? final.base.range
                findings.append(LintRules.buildPlatformInFinalStage.finding((describe(final), inherited), file: file, at: range))
            }
        }
        return findings
    }

    /// The `--platform=…` flag as written, for findings about it.
    func flagRange(_ stage: BuildStage, _ value: Word) -> SourceRange {
        let flag = stage.from.flags.last { $0.value.hasPrefix("--platform=") }
        return flag?.range ?? value.range
    }
}
