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
                        var finding = byDesign(LintRules.constantPlatform.finding((flag.value, pinned, describe(stage)), file: file, at: range),
                                               architecture: platform.normalized.architecture)
                        if finding.severity != .info, let reason = pinIsHarmless(stage, platform) {
                            finding = finding.noted(reason, severity: .info)
                        }
                        findings.append(finding)
                    }
                }
            } else if expansion.matched == ["TARGETPLATFORM"], expansion.unmatched.isEmpty,
                      expansion.result == DockerfileStages.sentinel("TARGETPLATFORM") {
                findings.append(LintRules.redundantTargetPlatform.finding(flag.value, file: file, at: range))
            }
        }
        if let final = stages.finalStage, let finding = buildPlatformFinal(final) { findings.append(finding) }
        return findings
    }

    /// Why a stage pinned to `platform` cannot put that platform's content into other platforms'
    /// images, judged by how it is used; nil when it can (or nothing says otherwise).
    ///
    /// Every use is by a stage on the same platform (a `COPY --from` or `--mount=from` by a stage on that
    /// platform, whoever pinned it; a `FROM` by a stage that is itself harmless), or a `COPY --from` of
    /// architecture-independent files; the last
    /// stage and a stage nothing uses are judged as before (they may be what is built).
    func pinIsHarmless(_ stage: BuildStage, _ platform: Platform) -> String? {
        guard isContained(stage, platform) else { return nil }
        let users = Set(stages.uses(of: stage).map(\.user)).sorted().map { describe(stages.stages[$0]) }
        return "it is used only by stages on the same platform or for architecture-independent files (by \(users.joined(separator: ", "))), so no other platform gets its content"
    }

    private func isContained(_ stage: BuildStage, _ platform: Platform) -> Bool {
        let uses = stages.uses(of: stage)
        guard stage.index != stages.stages.count - 1, !uses.isEmpty else { return false }
        let wanted = platform.normalized
        return uses.allSatisfy { use in
            let user = stages.stages[use.user]
            if case .copy(let sources) = use.kind, !sources.isEmpty, sources.allSatisfy(ArchitectureIndependentFiles.contains) {
                return true
            }
            // A stage built FROM this one inherits its platform: its own uses decide.
            if use.kind == .base && user.platform == nil { return isContained(user, platform) }
            switch stages.platform(of: user).platform {
            case .constant(let text), .argumentDefault(let text):
                guard let other = try? Platform(parsing: text) else { return false }
                return other.normalized == wanted
            default:
                return false
            }
        }
    }

    /// `buildplatform-in-final-stage`, lowered to a warning for a developer stage (named `dev`, `shell`,
    /// `debug`, …), which is built with `--target` for a shell on the build machine rather than released.
    private func buildPlatformFinal(_ final: BuildStage) -> Finding? {
        let resolved = stages.platform(of: final)
        guard resolved.platform == .build else { return nil }
        let inherited = resolved.inheritedFrom.map { " (inherited from stage \(describe(stages.stages[$0])))" } ?? ""
        let range = final.platform.map { flagRange(final, $0) } ?? final.base.range
        let finding = LintRules.buildPlatformInFinalStage.finding((describe(final), inherited), file: file, at: range)
        guard let name = final.name, Self.isDeveloperStageName(name) else { return finding }
        let release = stages.stages.last { candidate in
            candidate.index != final.index && stages.platform(of: candidate).platform.isTarget && stages.uses(of: candidate).isEmpty
        }
        // --target takes a stage name only (BuildKit): an unnamed release stage has to be named first.
        let target = release.map { stage in
            stage.name.map { " (the release image is probably \(describe(stage)), built with --target \($0))" }
                ?? " (the release image is probably the stage at line \(stage.from.line); name it with AS to build it with --target)"
        } ?? ""
        return finding.noted("its name says it is a developer stage, which is not released\(target); if it is the released image, give it no --platform",
                             severity: .warning)
    }

    /// Names of stages made for development: `dev`, `devcontainer`, `debug-shell`, `local`.
    static func isDeveloperStageName(_ name: String) -> Bool {
        let words: Set<String> = ["dev", "devel", "develop", "development", "devcontainer", "shell", "debug", "local",
                                  "sandbox", "toolbox", "workspace"]
        return name.split { $0 == "-" || $0 == "_" || $0 == "." }.contains { words.contains(String($0)) }
    }

    /// The `--platform=…` flag as written, for findings about it.
    func flagRange(_ stage: BuildStage, _ value: Word) -> SourceRange {
        let flag = stage.from.flags.last { $0.value.hasPrefix("--platform=") }
        return flag?.range ?? value.range
    }
}

extension Finding {
    /// The finding with `note` appended to its message (one sentence still) and another severity: how
    /// an uncertain precondition becomes an `info` note instead of a wrong error.
    func noted(_ note: String, severity: Severity) -> Finding {
        var finding = self
        finding.message += "; " + note
        finding.severity = severity
        return finding
    }
}
