import XArchDockerfile
import XArchModel

/// The instructions that only change the image config (Dockerfile reference, one section each;
/// config.md, "Properties" for where each value lands). Variables are expanded in ARG, ENV, LABEL,
/// USER, EXPOSE, VOLUME, STOPSIGNAL and WORKDIR, never in CMD, ENTRYPOINT, SHELL, HEALTHCHECK or
/// ONBUILD (Dockerfile reference, "Environment replacement").
extension StageEvaluator {
    mutating func configure(_ instruction: Instruction, _ state: inout StageState) throws {
        let env = state.environment
        let args = instruction.arguments.map(\.value)
        switch instruction.command {
        case "arg":
            try instruction.checkFlags([])
            for declaration in ArgDeclaration.parse(instruction) {
                state.arguments[declaration.name] = try arguments.stageValue(name: declaration.name, rawDefault: declaration.defaultValue,
                                                                             expander: expander, environment: state.environment)
            }
        case "env":
            // Every pair of one ENV line sees the variables as they were before the line.
            for (key, value) in try pairs(instruction, env) { state.setEnvironment(key, value) }
        case "label":
            var labels = state.container.labels ?? [:]
            for (key, value) in try pairs(instruction, env) { labels[key] = value }
            state.container.labels = labels
        case "maintainer":
            state.config.author = args.joined(separator: " ")
        case "user":
            state.container.user = try single(instruction, env)
        case "stopsignal":
            state.container.stopSignal = try single(instruction, env)
        case "expose":
            var ports = state.container.exposedPorts ?? [:]
            for word in args {
                for port in try ConfigValues.ports(try expander.expand(word, env), instruction) { ports[port] = .object([:]) }
            }
            state.container.exposedPorts = ports
        case "volume":
            var volumes = state.container.volumes ?? [:]
            for word in args {
                let path = try expander.expand(word, env)
                guard !path.isEmpty else { throw instruction.fail("VOLUME names an empty path") }
                volumes[path] = .object([:])
            }
            guard !args.isEmpty else { throw instruction.fail("VOLUME requires at least one path") }
            state.container.volumes = volumes
        case "entrypoint":
            state.container.entrypoint = try command(instruction, state)
            if !state.commandSet { state.container.cmd = nil }
        case "cmd":
            state.container.cmd = try command(instruction, state)
            state.commandSet = true
        case "shell":
            guard instruction.isJSON, !args.isEmpty else { throw instruction.fail("SHELL requires the exec form: SHELL [\"executable\", \"parameters\"]") }
            state.container.shell = args
        case "healthcheck":
            state.container.healthcheck = try ConfigValues.healthcheck(instruction, shell: shell(state))
        case "onbuild":
            guard let trigger = instruction.triggerText, !trigger.isEmpty else { throw instruction.fail("ONBUILD requires an instruction") }
            state.container.onBuild = (state.container.onBuild ?? []) + [trigger]
        case "from":
            throw instruction.fail("FROM inside a stage body")
        default:
            throw instruction.fail("unknown instruction \(instruction.command.uppercased())")
        }
    }

    /// `WORKDIR path`: relative paths continue the current one. In a stage whose file system is known
    /// (from `scratch`) the directory is created by a layer, as BuildKit does, unless it exists already;
    /// the directories it creates belong to the current `USER` (BuildKit makes them with the user's ids),
    /// the ones that exist keep their owner. On a base image the same holds when a `USER` other than
    /// root is set (the base's file list is read to learn what exists); as root, the directory the
    /// runtime creates for a missing working directory (0755, root) is the one BuildKit would write.
    mutating func workdir(_ instruction: Instruction, _ state: inout StageState) async throws {
        let path = try single(instruction, state.environment)
        let absolute = CleanPath.clean(path.hasPrefix("/") ? path : state.workingDirectory + "/" + path)
        state.container.workingDir = absolute
        let relative = CleanPath.inside(absolute)
        let lower = StageTree(name: "", state: state, base: nil)
        let exists = relative.isEmpty || lower.hasEntry(relative)
        if state.knownFilesystem, !exists {
            let owner = try await Self.workdirOwner(instruction, state: state) { lower }
            var entries = LayerEntries([.directory(relative, uid: owner.uid, gid: owner.gid)])
            entries.addMissingParents(uid: owner.uid, gid: owner.gid, existing: lower.entry(at:))
            state.appendNew(entries, createdBy: instruction.original)
            state.record(instruction.original, created: created, emptyLayer: false)
        } else if !state.knownFilesystem, !relative.isEmpty, let user = state.container.user, !Self.isRoot(user) {
            let merged = StageTree(name: "", state: state, base: try await baseListing(of: state))
            guard try merged.node(at: relative) == nil else {
                return state.record(instruction.original, created: created, emptyLayer: true)
            }
            // A user name is looked up in the files themselves, which needs the base spooled.
            let current = state
            let owner = try await Self.workdirOwner(instruction, state: state) {
                StageTree(name: "", state: current, base: try await baseTree(of: current))
            }
            var entries = LayerEntries([.directory(relative, uid: owner.uid, gid: owner.gid)])
            try entries.addCreatedParents(uid: owner.uid, gid: owner.gid) { try merged.node(at: $0) != nil }
            state.appendNew(entries, createdBy: instruction.original)
            state.record(instruction.original, created: created, emptyLayer: false)
        } else {
            state.record(instruction.original, created: created, emptyLayer: true)
        }
    }

    /// `USER` values that mean root: empty, `root`, `0`, with or without a root group.
    static func isRoot(_ user: String) -> Bool {
        ["", "root", "0", "root:root", "0:0", "root:0", "0:root"].contains(user)
    }

    /// The owner of the directories a WORKDIR creates: the current `USER` (names from the stage's own
    /// `/etc/passwd` and `/etc/group`), root when none is set.
    private static func workdirOwner(_ instruction: Instruction, state: StageState,
                                     files: () async throws -> any SourceTree) async throws -> Ownership {
        guard let user = state.container.user, !user.isEmpty else { return .root }
        do {
            return try await OwnerLookup.resolve(user, label: "USER \(user) (the owner of the directories WORKDIR creates)", tree: files)
        } catch let error as XArchError {
            throw instruction.fail(error.message, code: error.code)
        }
    }

    /// `ENV`/`LABEL` arguments, key-value-separator triples as the parser gives them, expanded.
    private func pairs(_ instruction: Instruction, _ env: [String: String]) throws -> [(String, String)] {
        let args = instruction.arguments.map(\.value)
        guard !args.isEmpty, args.count % 3 == 0 else {
            throw instruction.fail("\(instruction.command.uppercased()) requires at least one key=value pair")
        }
        return try stride(from: 0, to: args.count, by: 3).map { i in
            let key = try expander.expand(args[i], env)
            guard !key.isEmpty else { throw instruction.fail("\(instruction.command.uppercased()) names an empty key") }
            return (key, try expander.expand(args[i + 1], env))
        }
    }

    /// The one argument of `USER`, `STOPSIGNAL`, `WORKDIR`, expanded.
    private func single(_ instruction: Instruction, _ env: [String: String]) throws -> String {
        guard instruction.arguments.count == 1 else {
            throw instruction.fail("\(instruction.command.uppercased()) requires exactly one argument")
        }
        let value = try expander.expand(instruction.arguments[0].value, env)
        guard !value.isEmpty else { throw instruction.fail("\(instruction.command.uppercased()) expands to nothing") }
        return value
    }

    /// `CMD`/`ENTRYPOINT`: the exec form as it is; the shell form through the stage's shell.
    private func command(_ instruction: Instruction, _ state: StageState) throws -> [String] {
        let args = instruction.arguments.map(\.value)
        if instruction.isJSON { return args }
        return shell(state) + [args.joined(separator: " ")]
    }

    private func shell(_ state: StageState) -> [String] {
        state.config.config?.shell ?? (state.platform.os == "windows" ? ["cmd", "/S", "/C"] : ["/bin/sh", "-c"])
    }
}
