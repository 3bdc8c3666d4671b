/// How the stages of a file use each other (Dockerfile reference, "Multi-stage builds"): a stage
/// built `FROM <stage>`, `COPY --from=<stage>` (by name, or by index as BuildKit accepts it there) and
/// `RUN --mount=from=<stage>`. The linter judges a pinned stage by who uses it and for what.
struct StageUse: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// The user is built `FROM` the stage, so it starts from its filesystem and platform.
        case base
        /// `COPY --from`: these sources (the arguments but the destination) are copied out of it.
        case copy(sources: [String])
        /// `RUN --mount=from=`: its files are visible while a command runs.
        case mount
    }

    /// The index of the stage that uses it.
    var user: Int
    var kind: Kind
}

extension DockerfileStages {
    /// Every use of `stage` by a later stage, in order. `--from` values that still hold variables after
    /// global `ARG` expansion (`--from=build-${TARGETARCH}`) name no stage for sure and are left out.
    func uses(of stage: BuildStage) -> [StageUse] {
        let lexer = ShellLexer(escapeToken: dockerfile.escapeToken)
        let globals = globalArgDefaults
        func names(_ value: String, _ user: BuildStage) -> Bool {
            let expanded = (try? lexer.expandWord(value, environment: globals)) ?? value
            return !expanded.contains("$") && self.stage(named: expanded, before: user.index)?.index == stage.index
        }
        var uses: [StageUse] = []
        for user in stages where user.index > stage.index {
            if baseStage(of: user)?.index == stage.index { uses.append(StageUse(user: user.index, kind: .base)) }
            for instruction in user.instructions {
                if instruction.command == "copy", let from = instruction.flag("from"), names(from.value, user) {
                    let sources = instruction.arguments.dropLast().map(\.value)
                    uses.append(StageUse(user: user.index, kind: .copy(sources: Array(sources))))
                }
                if instruction.command == "run" {
                    for mount in instruction.flagValues("mount") {
                        let from = mount.value.split(separator: ",").first { $0.hasPrefix("from=") }?.dropFirst("from=".count)
                        if let from, names(String(from), user) { uses.append(StageUse(user: user.index, kind: .mount)) }
                    }
                }
            }
        }
        return uses
    }
}

/// Files that are the same on every platform: scripts, web assets, configuration, certificates, Java
/// archives. A stage that provides only these may run on any one platform.
enum ArchitectureIndependentFiles {
    static let extensions: Set<String> = [
        "sh", "bash", "py", "rb", "pl", "php", "js", "mjs", "cjs", "ts", "css", "html", "htm", "json", "yaml", "yml",
        "toml", "ini", "conf", "cfg", "xml", "txt", "md", "csv", "svg", "png", "jpg", "jpeg", "gif", "ico", "webp",
        "woff", "woff2", "ttf", "map", "jar", "war", "ear", "pem", "crt", "sql", "properties", "tmpl", "tpl",
    ]
    static let directories: Set<String> = [
        "static", "assets", "public", "html", "www", "templates", "locales", "i18n", "docs", "fonts", "images",
        "migrations", "zoneinfo", "certs", "ca-certificates", "webroot", "htdocs",
    ]

    /// Whether a `COPY` source path surely names architecture-independent files.
    static func contains(_ path: String) -> Bool {
        let components = path.split(separator: "/").map { $0.lowercased() }
        guard let last = components.last, !path.contains("$") else { return false }
        if components.contains(where: directories.contains) { return true }
        guard last.contains("."), let suffix = last.split(separator: ".").last else { return false }
        return extensions.contains(String(suffix))
    }
}
