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

    /// An image a stage starts from or copies from (not another stage): the text after global `ARG`
    /// expansion, as written, where, and the stage that names it.
    struct ImageUse {
        var image: String
        var written: String
        var range: SourceRange
        var stage: BuildStage
    }

    /// The images of `FROM` lines and `COPY --from=IMAGE`, in order.
    func imageUses() -> [ImageUse] {
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        let globals = stages.globalArgDefaults
        var uses: [ImageUse] = []
        for stage in stages.stages {
            if stages.baseStage(of: stage) == nil {
                let image = (try? lexer.expandWord(stage.base.value, environment: globals)) ?? stage.base.value
                uses.append(ImageUse(image: image, written: stage.base.value, range: stage.base.range, stage: stage))
            }
            for instruction in stage.instructions where instruction.command == "copy" {
                guard let from = instruction.flag("from"), stages.stage(named: from.value, before: stage.index) == nil else { continue }
                uses.append(ImageUse(image: from.value, written: from.value, range: from.range, stage: stage))
            }
        }
        return uses
    }

    func repositoryFindings() -> [Finding] {
        imageUses().compactMap { check($0.image, at: $0.range) }
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
        let finding = LintRules.archSpecificRepository.finding((image, namespace, platform), file: file, at: range,
                                                               fix: "Use the multi-platform image \"\(suggestion)\".")
        return byDesign(finding, architecture: String(platform.dropFirst("linux/".count)))
    }
}
