import XArchModel

/// `arch-specific-repository`: Docker Hub's per-architecture namespaces.
extension LintContext {
    /// Docker Hub namespaces that hold one platform's builds of the official images.
    static let architectureNamespaces: [String: String] = [
        "amd64": "linux/amd64", "arm32v5": "linux/arm/v5", "arm32v6": "linux/arm/v6", "arm32v7": "linux/arm/v7",
        "arm64v8": "linux/arm64", "i386": "linux/386", "ppc64le": "linux/ppc64le", "s390x": "linux/s390x",
        "riscv64": "linux/riscv64", "mips64le": "linux/mips64le", "loong64": "linux/loong64",
        "windows-amd64": "windows/amd64", "winamd64": "windows/amd64",
    ]

    func repositoryFindings() -> [Finding] {
        var findings: [Finding] = []
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        let globals = stages.globalArgDefaults
        for stage in stages.stages {
            if stages.baseStage(of: stage) == nil,
               let finding = check((try? lexer.expandWord(stage.base.value, environment: globals)) ?? stage.base.value,
                                   at: stage.base.range) {
                findings.append(finding)
            }
            for instruction in stage.instructions where instruction.command == "copy" {
                guard let from = instruction.flag("from"), stages.stage(named: from.value, before: stage.index) == nil else { continue }
                if let finding = check(from.value, at: from.range) { findings.append(finding) }
            }
        }
        return findings
    }

    private func check(_ image: String, at range: SourceRange) -> Finding? {
        guard image.lowercased() != "scratch", !image.contains("$"),
              let reference = try? ImageReference(parsing: image),
              reference.registry == ImageReference.defaultRegistry,
              let namespace = reference.repository.split(separator: "/").first.map(String.init),
              let platform = Self.architectureNamespaces[namespace],
              reference.repository.contains("/") else { return nil }
        let rest = reference.repository.dropFirst(namespace.count + 1)
        var suggestion = String(rest)
        if let tag = reference.tag { suggestion += ":" + tag }
        return LintRules.archSpecificRepository.finding((image, namespace, platform), file: file, at: range,
                                                        fix: "Use the multi-platform image \"\(suggestion)\".")
    }
}
