import Foundation
import XArchArchive
import XArchDockerfile
import XArchModel
import XArchRun

extension StageEvaluator {
    /// `RUN [--network=default|none|host] COMMAND` (Dockerfile reference, RUN): the shell form through
    /// the stage's `SHELL` (default `/bin/sh -c`), the exec form as written, here-documents as BuildKit
    /// hands them to the shell; run in the sandbox on the stage's platform, with the config's `Env` plus
    /// the stage's `ARG`s (not kept in the image), `USER` resolved in the stage's own `/etc/passwd`, and
    /// `WORKDIR`. What it changed becomes a layer; no change, no layer (an empty history entry).
    mutating func run(_ instruction: Instruction, into state: inout StageState, stage: BuildStage) async throws {
        guard let runner else {
            throw instruction.fail("RUN cannot be evaluated here (no runner)", code: .unsupported)
        }
        let network = try Self.network(of: instruction)
        let (arguments, script) = try runArguments(instruction, state)
        var environment = runEnvironment(state)
        var secretVariables: Set<String> = []
        var leases: [CacheLease] = []
        defer { for lease in leases { lease.release() } }
        var (mounts, mountKey) = try await runMounts(instruction, state: state, stage: stage, runner: runner, environment: &environment,
                                                     secretVariables: &secretVariables, leases: &leases)
        let lowers = try await layerDirectories(of: state)
        let tree = DirectoryStack(name: stage.displayName, directories: lowers, mapping: runner.mapping)
        let identity: UserIdentity
        do {
            let passwd = try tree.read("etc/passwd", limit: 16 << 20).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let group = try tree.read("etc/group", limit: 16 << 20).map { String(decoding: $0, as: UTF8.self) } ?? ""
            identity = try UserIdentity(state.container.user ?? "", passwd: passwd, group: group)
        } catch let error as XArchError {
            throw instruction.fail("USER \(state.container.user ?? ""): \(error.message)")
        }
        if let script {
            // A here-document that starts with #! runs as a program of its own, at /dev/pipes/NAME as in
            // BuildKit (on the sandbox's private /dev, so it never reaches the layer).
            let file = try await runner.stageFile(Array(script.content.utf8), mode: 0o755)
            mounts.append(.bind(source: file, target: "/dev/pipes/\(script.name)", readOnly: true))
            mountKey += "\u{0}script:\(Digest.of(Array(script.content.utf8), algorithm: .sha256))"
        }
        if network == .host {
            // As BuildKit gives a RUN the host's name resolution: /etc/resolv.conf and /etc/hosts bound
            // read-only (left out of the layer), unless the image has something else than a file there.
            for file in ["etc/resolv.conf", "etc/hosts"] where FileManager.default.fileExists(atPath: "/" + file) {
                let node = try tree.node(at: file)
                guard node == nil || node?.kind == .regularFile else { continue }
                let taken = mounts.contains { mount in
                    if case .bind(_, let target, _) = mount { return target == "/" + file }
                    return false
                }
                if taken { continue }
                mounts.append(.bind(source: "/" + file, target: "/" + file, readOnly: true))
            }
        }
        var request = BuildRunner.Request(platform: state.platform, arguments: arguments, environment: environment,
                                          workingDirectory: state.workingDirectory, uid: identity.uid, gid: identity.gid,
                                          groups: identity.groups, network: network, lowers: lowers,
                                          mounts: mounts, mountKey: mountKey, secretVariables: secretVariables,
                                          readsCache: !noCacheStages.contains(stage.name ?? "") && !noCacheStages.contains(String(stage.index)),
                                          display: Self.display(instruction), line: instruction.line)
        request.step = step(of: instruction, in: stage)
        let outcome = try await runner.run(request)
        if let entries = outcome.entries {
            state.appendNew(entries, createdBy: instruction.original)
            state.layerDirectories[state.layers.count - 1] = outcome.upper
            state.record(instruction.original, created: created, emptyLayer: false)
        } else {
            state.record(instruction.original, created: created, emptyLayer: true)
        }
    }

    /// The instruction's place in its stage as BuildKit's progress numbers it (`FROM` is 1 of n+1):
    /// `4/9`, or `builder 4/9` when the Dockerfile has several stages.
    func step(of instruction: Instruction, in stage: BuildStage) -> String {
        let place = (stage.instructions.firstIndex { $0.line == instruction.line } ?? 0) + 2
        let step = "\(place)/\(stage.instructions.count + 1)"
        return stages.stages.count > 1 ? "\(stage.name ?? "stage-\(stage.index)") \(step)" : step
    }

    /// `--network`: BuildKit's default is the host's network (`default`); `none` gives the RUN only a
    /// loopback of its own. `--security` is not supported.
    static func network(of instruction: Instruction) throws -> SandboxSpec.Network {
        var network = SandboxSpec.Network.host
        for flag in instruction.flags {
            let text = flag.value
            if text.hasPrefix("--network=") {
                switch text.dropFirst("--network=".count) {
                case "default", "host": network = .host
                case "none": network = .none
                case let other: throw instruction.fail("RUN --network=\(other): use default, none or host")
                }
            } else if text.hasPrefix("--mount=") {
                continue // runMounts
            } else if text.hasPrefix("--security") {
                throw instruction.fail("RUN --security is not supported by xarch build (it never grants extra privileges)", code: .unsupported)
            } else {
                throw instruction.fail("RUN does not take \(text)")
            }
        }
        return network
    }

    /// `RUN --mount=…` for the sandbox (expanded with the stage's variables, as BuildKit does): a context
    /// directory or file (read-only; `rw` gets a copy whose writes are discarded), a cache directory per
    /// id and platform kept between builds, a tmpfs, a secret (a private copy, read-only, or a variable
    /// with `env=`). Also what identifies them for the key of identical RUNs.
    mutating func runMounts(_ instruction: Instruction, state: StageState, stage: BuildStage, runner: BuildRunner, environment: inout [String],
                   secretVariables: inout Set<String>, leases: inout [CacheLease]) async throws -> ([SandboxSpec.Mount], String) {
        var mounts: [SandboxSpec.Mount] = [], key: [String] = []
        for flag in instruction.flagValues("mount") {
            let mount: RunMount
            do {
                mount = try RunMount.parse(try expander.expand(flag.value, state.environment), workingDirectory: state.workingDirectory)
            } catch let error as XArchError {
                throw instruction.fail(error.message, code: error.code)
            }
            switch mount.kind {
            case .bind(let source, _, let from?):
                let (layers, name) = try await mountLayers(from, stage: stage, state: state, instruction: instruction)
                let tree = DirectoryStack(name: name, directories: layers, mapping: runner.mapping)
                guard let resolved = try tree.resolvingLinks(CleanPath.clean(source)), try tree.node(at: resolved) != nil else {
                    throw instruction.fail("--mount type=bind,from=\(from),source=\(source): there is no \(source) in \(name)", code: .missingSource)
                }
                mounts.append(.layers(layers, source: resolved, target: mount.target))
                var keys: [String] = []
                for layer in layers { keys.append(await runner.key(of: layer) ?? layer) }
                key.append("from:\(keys.joined(separator: ",")):\(resolved):\(mount.target)")
            case .bind(let source, let readWrite, nil):
                let clean = CleanPath.clean(source)
                guard let resolved = try context.resolvingLinks(clean), try context.node(at: resolved) != nil else {
                    throw instruction.fail("--mount type=bind source=\(source) is not in the build context", code: .missingSource)
                }
                let host = resolved.isEmpty ? context.root : context.root + "/" + resolved
                mounts.append(.bind(source: readWrite ? try await runner.scratchCopy(of: host) : host, target: mount.target,
                                    readOnly: !readWrite))
                key.append("bind:\(try ContentKey.ofTree(host)):\(mount.target):\(readWrite)")
            case .cache(let id, let readOnly, let mode, let uid, let gid, let sharing, let from, let source):
                let (directory, lease) = try await runner.cacheMount(id: id, platform: state.platform, mode: mode, uid: uid, gid: gid,
                                                                     sharing: sharing)
                if let lease { leases.append(lease) }
                if let from, (try POSIXFile.directoryEntries(directory) ?? []).isEmpty {
                    // A new cache starts with `source` of the stage or image `from` (BuildKit: "from … to use as
                    // a base of the cache mount"), owned by the mount's uid:gid.
                    let (layers, name) = try await mountLayers(from, stage: stage, state: state, instruction: instruction)
                    let tree = DirectoryStack(name: name, directories: layers, mapping: runner.mapping)
                    let entries: LayerEntries
                    do {
                        entries = try CopyPlanner.entries(CopySpec(sources: [CleanPath.clean(source).isEmpty ? "." : source], destination: "/",
                                                                   destinationIsDirectory: true,
                                                                   owner: Ownership(uid: Int(uid), gid: Int(gid)), writeParents: false),
                                                          from: tree)
                    } catch let error as XArchError {
                        throw instruction.fail("--mount type=cache,from=\(from),source=\(source): \(error.message)", code: error.code)
                    }
                    try await runner.seedCache(directory, with: entries)
                }
                mounts.append(.bind(source: directory, target: mount.target, readOnly: readOnly))
                key.append("cache:\(id):\(mount.target)")
            case .tmpfs(let size):
                mounts.append(.tmpfs(target: mount.target, size: size))
                key.append("tmpfs:\(mount.target)")
            case .secret(let id, let required, let variable, let hasTarget):
                guard let secret = secrets[id] else {
                    if required { throw instruction.fail("the secret \(id) is required: give it with --secret id=\(id),src=FILE or env=VARIABLE") }
                    continue
                }
                let bytes: [UInt8]
                switch secret {
                case .value(let value): bytes = value
                case .file(let path): bytes = try POSIXFile.readFile(path, limit: 16 << 20, what: "the secret \(id)", streams: true)
                }
                if let variable {
                    environment.append("\(variable)=\(String(decoding: bytes, as: UTF8.self))")
                    secretVariables.insert(variable)
                }
                if hasTarget {
                    mounts.append(.bind(source: try await runner.stageFile(bytes), target: mount.target, readOnly: true))
                }
                key.append("secret:\(id):\(hasTarget ? mount.target : ""):\(variable ?? "")")
            }
        }
        return (mounts, key.joined(separator: "\u{0}"))
    }

    /// The directories of `--mount … from=NAME`: an earlier stage's (evaluated for this platform), or an
    /// image's for the stage's platform; and how messages name it.
    mutating func mountLayers(_ from: String, stage: BuildStage, state: StageState,
                              instruction: Instruction) async throws -> ([String], String) {
        if let earlier = stages.stage(named: from, before: stage.index) {
            let earlierState = try await evaluate(earlier)
            return (try await layerDirectories(of: earlierState), "stage \(earlier.displayName)")
        }
        if stages.stage(named: from) != nil {
            throw instruction.fail("--mount from=\(from) names a later stage; a RUN can only mount the stages before it")
        }
        guard let runner else { return ([], from) }
        do {
            let image = try await resolver.resolve(from, platform: state.platform)
            return ([try await runner.baseDirectory(image.manifest.layers, source: image.source)], "image \(from)")
        } catch let error as XArchError {
            throw XArchError(error.code, "Dockerfile line \(instruction.line): --mount from=\(from): \(error.message)", cause: error)
        }
    }

    /// argv of the RUN: the exec form as written; the shell form (with its here-documents, as BuildKit
    /// passes them: a lone `<<EOF` runs the body as the script — or, when it starts with `#!`, as a
    /// program of its own, the `script` to mount at `/dev/pipes/EOF` — otherwise the command line, the
    /// bodies and their terminators go to the shell, which reads the here-documents itself).
    func runArguments(_ instruction: Instruction, _ state: StageState) throws -> (arguments: [String], script: (name: String, content: String)?) {
        let words = instruction.arguments.map(\.value)
        if instruction.isJSON {
            guard !words.isEmpty else { throw instruction.fail("RUN [] names no command") }
            return (words, nil)
        }
        let shell = state.config.config?.shell ?? ["/bin/sh", "-c"]
        var text = words.joined(separator: " ")
        if let first = instruction.heredocs.first {
            let lone = instruction.heredocs.count == 1 && text.trimmingCharacters(in: .whitespaces).hasPrefix("<<")
                && !text.trimmingCharacters(in: .whitespaces).contains(" ")
            if lone {
                if first.effectiveContent.hasPrefix("#!") {
                    guard !first.name.isEmpty, !first.name.contains("/") else { throw instruction.fail("RUN <<\(first.name): the delimiter cannot name a file") }
                    return (["/dev/pipes/\(first.name)"], (first.name, first.effectiveContent))
                }
                text = first.effectiveContent
            } else {
                for heredoc in instruction.heredocs { text += "\n" + heredoc.effectiveContent + heredoc.name }
            }
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw instruction.fail("RUN names no command") }
        return (shell + [text], nil)
    }

    /// The RUN's environment: the config's `Env`, then the stage's `ARG`s that `Env` does not set
    /// (BuildKit passes the ARGs in scope as environment of RUN, without keeping them in the image).
    func runEnvironment(_ state: StageState) -> [String] {
        var environment = state.config.config?.env ?? []
        let set = Set(environment.map { String($0.split(separator: "=", maxSplits: 1)[0]) })
        for (name, value) in state.arguments.sorted(by: { $0.key < $1.key }) where !set.contains(name) {
            environment.append("\(name)=\(value)")
        }
        return environment
    }

    /// The directories of the stage's file system, bottom first: the base image's tree, then one per
    /// later layer (a RUN's upper directory, a COPY's files written out).
    func layerDirectories(of state: StageState) async throws -> [String] {
        guard let runner else { return [] }
        var baseLayers: [Descriptor] = []
        var source: ResolvedImage?
        for layer in state.layers {
            if case .base(let descriptor, _, let image) = layer {
                baseLayers.append(descriptor)
                source = image
            }
        }
        var directories = [try await runner.baseDirectory(baseLayers, source: source?.source)]
        for (index, layer) in state.layers.enumerated() {
            guard case .new(let entries, _) = layer else { continue }
            if let upper = state.layerDirectories[index] {
                directories.append(upper)
            } else {
                directories.append(try await runner.directory(for: entries))
            }
        }
        return directories
    }

    /// `RUN …` as written, shortened for a progress line.
    static func display(_ instruction: Instruction) -> String {
        let text = instruction.original.split(separator: "\n").first.map(String.init) ?? instruction.original
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
}
