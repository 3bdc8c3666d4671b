import Foundation
import XArchModel

/// `hardcoded-arch`, `hardcoded-multiarch-path` and `build-arch-probe`: architecture names and probes
/// in the commands of stages, judged by the platform each stage runs on.
extension LintContext {
    func architectureFindings() -> [Finding] {
        var findings: [Finding] = []
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        let globals = stages.globalArgDefaults
        for stage in stages.stages {
            let platform = stages.platform(of: stage).platform
            var scope = stages.initialScope(of: stage, globals: globals, lexer: lexer)
            for instruction in stage.instructions {
                if platform.isTarget {
                    let download = hardcodedArchitecture(instruction, scope: scope)
                    if let download { findings.append(download) }
                    if let finding = multiarchPath(instruction, namedPaths: download == nil) { findings.append(finding) }
                } else if platform == .build, let finding = buildProbe(instruction, stage: stage) {
                    findings.append(finding)
                }
                scope.apply(instruction, globals: globals, lexer: lexer)
            }
        }
        return findings
    }

    /// The first architecture-specific download or file name of a RUN, ADD or COPY.
    private func hardcodedArchitecture(_ instruction: Instruction, scope: StageScope) -> Finding? {
        guard ["run", "add", "copy"].contains(instruction.command) else { return nil }
        let texts = texts(of: instruction, includeDestination: false).filter { !$0.hasPrefix("--") }
        if instruction.command == "run" && texts.contains(where: ArchitectureProbes.isArchitectureAware) { return nil }
        let everyWordIsAFile = instruction.command != "run"
        for text in texts {
            for (word, _) in DownloadWords.words(text.scalars) where everyWordIsAFile || DownloadWords.isCandidate(word) {
                guard !MultiarchPaths.contains(word), let token = ArchitectureNames.find(in: word.scalars).first else { continue }
                let range = locate(word, in: instruction, offset: token.offset, length: token.text.unicodeScalars.count)
                return byDesign(LintRules.hardcodedArch.finding((instruction.keyword.value.uppercased(), word, token.architecture, ""),
                                                                file: file, at: range, fix: token.naming.fix),
                                architecture: token.architecture)
            }
        }
        return viaVariable(instruction, texts: texts, scope: scope, everyWordIsAFile: everyWordIsAFile)
    }

    /// An architecture name that reaches a download through an `ARG` default or `ENV` value.
    private func viaVariable(_ instruction: Instruction, texts: [String], scope: StageScope, everyWordIsAFile: Bool) -> Finding? {
        var lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        lexer.skipUnsetEnvironment = true
        lexer.skipProcessQuotes = true
        lexer.rawEscapes = true
        for text in texts where text.contains("$") {
            guard let expansion = try? lexer.expand(text, environment: scope.environment) else { continue }
            for (word, _) in DownloadWords.words(expansion.result.scalars) where everyWordIsAFile || DownloadWords.isCandidate(word) {
                guard !MultiarchPaths.contains(word), let token = ArchitectureNames.find(in: word.scalars).first else { continue }
                let lowered = token.text.lowercased()
                guard let name = expansion.matched.sorted().first(where: { scope.values[$0]?.text.lowercased().contains(lowered) == true }),
                      let value = scope.values[name] else { continue }
                let via = value.text.count <= 24
                    ? " (\(value.source) \(name) is \"\(value.text)\" on line \(value.line))"
                    : " (from \(value.source) \(name) on line \(value.line))"
                return byDesign(LintRules.hardcodedArch.finding((instruction.keyword.value.uppercased(), word, token.architecture, via),
                                                                file: file, at: locateReference(name, in: instruction), fix: token.naming.fix),
                                architecture: token.architecture)
            }
        }
        return nil
    }

    /// A Debian multiarch directory or dynamic loader path in an instruction of a target stage; with
    /// `namedPaths`, also another path with an architecture in a component (`java-17-openjdk-amd64`,
    /// `/etc/ld-musl-x86_64.path`, `lib.linux-x86_64-cpython-311`), outside what `hardcoded-arch` judges:
    /// downloads and the sources of COPY/ADD.
    private func multiarchPath(_ instruction: Instruction, namedPaths: Bool) -> Finding? {
        guard ["run", "copy", "add", "env", "workdir", "volume", "cmd", "entrypoint"].contains(instruction.command) else { return nil }
        let texts = texts(of: instruction)
        if instruction.command == "run" && texts.contains(where: ArchitectureProbes.isArchitectureAware) { return nil }
        let copies = ["copy", "add"].contains(instruction.command)
        for (index, text) in texts.enumerated() {
            for (word, _) in DownloadWords.words(text.scalars) {
                if let (name, architecture) = MultiarchPaths.find(in: word) {
                    let offset = word.distance(of: name)
                    return byDesign(LintRules.hardcodedMultiarchPath.finding((word, architecture, true), file: file,
                                                                             at: locate(word, in: instruction, offset: offset, length: name.count)),
                                    architecture: architecture)
                }
                let isDestination = index == texts.count - 1 - instruction.heredocs.count
                guard namedPaths, !copies || isDestination, let token = ArchitectureNamedPaths.token(in: word) else { continue }
                return byDesign(LintRules.hardcodedMultiarchPath.finding((word, token.architecture, false), file: file,
                                                                         at: locate(word, in: instruction, offset: token.offset,
                                                                                    length: token.text.unicodeScalars.count)),
                                architecture: token.architecture)
            }
        }
        return nil
    }

    /// An architecture probe in a RUN of a stage on $BUILDPLATFORM.
    private func buildProbe(_ instruction: Instruction, stage: BuildStage) -> Finding? {
        guard instruction.command == "run" else { return nil }
        for text in texts(of: instruction) {
            guard let (probe, _) = ArchitectureProbes.first(in: text) else { continue }
            return LintRules.buildArchProbe.finding((probe, describe(stage)), file: file, at: locate(probe, in: instruction))
        }
        return nil
    }
}

/// Debian multiarch directories and dynamic loaders, named after one architecture
/// (`ArchitectureNames.multiarchPaths`).
enum MultiarchPaths {
    /// The first name that appears as a path component (after `/`) in `word`.
    static func find(in word: String) -> (String, String)? {
        var best: (String, String, String.Index)?
        for (name, architecture) in ArchitectureNames.multiarchPaths {
            guard let range = word.range(of: "/" + name) else { continue }
            if best == nil || range.lowerBound < best!.2 { best = (name, architecture, range.lowerBound) }
        }
        return best.map { ($0.0, $0.1) }
    }

    static func contains(_ word: String) -> Bool { find(in: word) != nil }
}

extension String {
    /// The offset in Unicode scalars of the first occurrence of `needle`, or 0.
    func distance(of needle: String) -> Int {
        guard let range = range(of: needle) else { return 0 }
        return unicodeScalars.distance(from: unicodeScalars.startIndex, to: range.lowerBound)
    }
}

/// Paths with an architecture name in a component, other than the multiarch names: words with a `/`
/// that are not URLs, download or package files (`hardcoded-arch`), flags, or platform strings.
enum ArchitectureNamedPaths {
    private static let operatingSystems = ["linux/", "windows/", "darwin/", "freebsd/"]

    static func token(in word: String) -> ArchitectureToken? {
        let path = word.split(separator: "=", maxSplits: 1).last.map(String.init) ?? word
        guard path.contains("/"), !word.hasPrefix("-"), !word.contains("://"), !DownloadWords.isCandidate(path),
              !operatingSystems.contains(where: { path.lowercased().hasPrefix($0) || path.lowercased().contains("," + $0) }),
              let token = ArchitectureNames.find(in: word.scalars).first else { return nil }
        return token
    }
}
