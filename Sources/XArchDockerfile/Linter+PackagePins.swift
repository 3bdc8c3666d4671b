import XArchModel

/// `package-arch-pin`: package managers, compilers and tools inside RUN told one architecture by name.
extension LintContext {
    /// Debian architecture names, as `pkg:ARCH` and `dpkg --add-architecture ARCH` take them, with the
    /// platform architecture each is.
    static let debianArchitectures: [String: String] = [
        "amd64": "amd64", "arm64": "arm64", "armhf": "arm/v7", "armel": "arm/v5", "i386": "386", "ppc64el": "ppc64le",
        "s390x": "s390x", "riscv64": "riscv64", "mips64el": "mips64le",
    ]
    /// RPM architecture suffixes (`glibc.i686`).
    static let rpmArchitectures: [String: String] = [
        "x86_64": "amd64", "aarch64": "arm64", "i686": "386", "ppc64le": "ppc64le", "s390x": "s390x", "armv7hl": "arm/v7",
    ]
    /// Go's GOARCH values.
    static let goArchitectures: Set<String> = ["amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "mips64le", "loong64"]

    func packagePinFindings() -> [Finding] {
        var findings: [Finding] = []
        for stage in stages.stages {
            let platform = stages.platform(of: stage).platform
            guard platform.isTarget || platform == .build else { continue }
            let goarch = stage.instructions.flatMap(constantGOARCH)
            // A stage that builds for several architectures in turn (GOARCH=amd64 …; GOARCH=arm64 …) pins none.
            let buildsSeveral = Set(goarch.map(\.value)).count > 1
            for instruction in stage.instructions {
                var found: (String, String)?
                if !buildsSeveral, let pin = constantGOARCH(instruction).first { found = (pin.written, pin.value) }
                if found == nil, platform.isTarget, instruction.command == "run" { found = packagePin(instruction) }
                // As for constant-platform: a stage named after the architecture (build-amd64) is one on purpose.
                guard let (what, architecture) = found, !(stage.name ?? "").contains(architecture) else { continue }
                let finding = LintRules.packageArchPin.finding(("`\(what)`", architecture, describe(stage)), file: file,
                                                               at: locate(what, in: instruction))
                findings.append(byDesign(finding, architecture: architecture))
            }
        }
        return findings
    }

    /// `GOARCH=amd64` in a RUN (as a word) or an ENV, with a constant value.
    private func constantGOARCH(_ instruction: Instruction) -> [(written: String, value: String)] {
        switch instruction.command {
        case "env":
            let args = instruction.arguments
            return stride(from: 0, to: args.count - 1, by: 3).compactMap { key in
                let value = args[key + 1].value.trimmingQuotes
                guard args[key].value == "GOARCH", Self.goArchitectures.contains(value) else { return nil }
                return (args[key].value, value)
            }
        case "run":
            if texts(of: instruction).contains(where: ArchitectureProbes.isArchitectureAware) { return [] }
            return texts(of: instruction).flatMap { text in
                DownloadWords.words(text.scalars).compactMap { word, _ in
                    guard word.hasPrefix("GOARCH=") else { return nil }
                    let value = String(word.dropFirst("GOARCH=".count))
                    return Self.goArchitectures.contains(value) ? (word, value) : nil
                }
            }
        default:
            return []
        }
    }

    /// The first architecture pin of a RUN in a target stage, as written, and the architecture.
    private func packagePin(_ instruction: Instruction) -> (String, String)? {
        let texts = texts(of: instruction)
        guard !texts.contains(where: ArchitectureProbes.isArchitectureAware) else { return nil }
        for text in texts {
            let words = DownloadWords.words(text.scalars).map(\.0)
            let apt = words.contains { ["apt-get", "apt", "aptitude"].contains($0) }
            let rpm = words.contains { ["yum", "dnf", "microdnf", "zypper"].contains($0) }
            for (index, word) in words.enumerated() where !word.contains("/") {
                if word == "--add-architecture", index + 1 < words.count, let architecture = Self.debianArchitectures[words[index + 1]] {
                    return ("--add-architecture \(words[index + 1])", architecture)
                }
                guard !word.hasPrefix("-") else { continue }
                if apt, let colon = word.firstIndex(of: ":") {
                    let suffix = word[word.index(after: colon)...].prefix { $0 != "=" }
                    if let architecture = Self.debianArchitectures[String(suffix)], colon != word.startIndex { return (word, architecture) }
                }
                if rpm, !word.hasSuffix(".rpm"), let dot = word.lastIndex(of: "."),
                   let architecture = Self.rpmArchitectures[String(word[word.index(after: dot)...])] {
                    return (word, architecture)
                }
            }
            if let pin = toolPlatformFlag(words) { return pin }
        }
        return nil
    }

    /// `--platform=linux/amd64` (or `--platform linux/amd64`, `--arch`, `--override-arch`) given to a
    /// tool, naming exactly one architecture.
    private func toolPlatformFlag(_ words: [String]) -> (String, String)? {
        for (index, word) in words.enumerated() {
            for flag in ["--platform", "--arch", "--override-arch"] {
                var value: String?
                var written = word
                if word.hasPrefix(flag + "=") { value = String(word.dropFirst(flag.count + 1)) }
                if word == flag, index + 1 < words.count { value = words[index + 1]; written = "\(word) \(words[index + 1])" }
                guard let value, !value.contains("$") else { continue }
                let tokens = ArchitectureNames.find(in: value.scalars)
                guard let first = tokens.first, Set(tokens.map(\.architecture)).count == 1 else { continue }
                return (written, first.architecture)
            }
        }
        return nil
    }
}
