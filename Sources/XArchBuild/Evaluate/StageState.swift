import XArchModel

/// One layer of a stage's image: taken from its base image, or new.
enum StageLayer: Sendable {
    /// A layer of the base image, referenced by digest (never re-encoded).
    case base(Descriptor, diffID: Digest, image: ResolvedImage)
    /// A new layer, written by the build from these entries.
    case new(LayerEntries, createdBy: String)
}

/// The state of one stage while its instructions are evaluated for one platform: the image config
/// being built (config.md) and the layers, plus what evaluation needs and the config does not hold.
struct StageState: Sendable {
    /// The stage's platform, normalized (the target platform unless `FROM --platform` says otherwise).
    var platform: Platform
    var config: ImageConfig
    /// Append new layers with `appendNew`, which keeps `newIndex` up to date.
    private(set) var layers: [StageLayer]
    /// The entries of the new layers merged (the last written at each path wins) and the names in each
    /// directory they make, kept as layers are added: a COPY or WORKDIR asks the stage's file system
    /// without re-reading every earlier layer (which made long Dockerfiles quadratic).
    private(set) var newIndex = NewLayerIndex()
    /// The whole file system is known (the stage grows from `scratch`): parent directories of copied
    /// files are written, `WORKDIR` creates its directory.
    var knownFilesystem: Bool
    /// Values of the `ARG`s declared in this stage (an `ARG` without any value is not here).
    var arguments: [String: String] = [:]
    /// `CMD` was set in this stage (so `ENTRYPOINT` no longer resets it).
    var commandSet = false
    /// The upper directory of each layer a RUN made, by its index in `layers`.
    var layerDirectories: [Int: String] = [:]

    /// Adds a new layer of `entries` (the last layer of the stage).
    mutating func appendNew(_ entries: LayerEntries, createdBy: String) {
        layers.append(.new(entries, createdBy: createdBy))
        newIndex.add(entries)
    }

    /// The default `PATH` BuildKit gives images built `FROM scratch` (its `system.DefaultPathEnv`).
    static let defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// An empty stage (`FROM scratch`), as BuildKit's `emptyImage`: the platform, `PATH`, `WorkingDir /`.
    static func scratch(_ platform: Platform) -> StageState {
        var config = ImageConfig(architecture: platform.architecture, os: platform.os,
                                 variant: platform.variant.isEmpty ? nil : platform.variant,
                                 osVersion: platform.osVersion.isEmpty ? nil : platform.osVersion)
        config.config = ContainerConfig(env: platform.os == "windows" ? nil : [defaultPath], workingDir: "/")
        config.history = []
        return StageState(platform: platform, config: config, layers: [], knownFilesystem: true)
    }

    /// A stage on a base image: its config (minus `ONBUILD` triggers, which are not inherited further,
    /// and the creation time; plus the default `PATH` when it has none) and its layers by digest.
    static func image(_ image: ResolvedImage, platform: Platform) throws -> StageState {
        var config = image.config
        guard config.rootfs.diffIDs.count == image.manifest.layers.count else {
            throw XArchError(.invalidInput, "base image \(image.name) is inconsistent: its manifest has \(image.manifest.layers.count) layers but its config \(config.rootfs.diffIDs.count) diff IDs")
        }
        config.config?.onBuild = nil
        config.created = nil
        // A Linux base without PATH gets the default one, as BuildKit and buildah give it.
        if config.os != "windows", !(config.config?.env ?? []).contains(where: { $0.hasPrefix("PATH=") }) {
            var container = config.config ?? ContainerConfig()
            container.env = (container.env ?? []) + [defaultPath]
            config.config = container
        }
        // One history entry per layer, as docker history expects, when the base's history is short.
        let described = (config.history ?? []).filter { $0.emptyLayer != true }.count
        if described < image.manifest.layers.count {
            let filler = ImageConfig.History(createdBy: "(layer of base image \(image.name))")
            config.history = (config.history ?? []) + Array(repeating: filler, count: image.manifest.layers.count - described)
        }
        let layers = zip(image.manifest.layers, config.rootfs.diffIDs).map { StageLayer.base($0, diffID: $1, image: image) }
        return StageState(platform: platform, config: config, layers: layers, knownFilesystem: false)
    }

    /// The variables `$VAR` sees in this stage: its `ARG`s, overridden by the config's `ENV`
    /// (Dockerfile reference, ARG: "an ENV instruction always overrides an ARG of the same name").
    var environment: [String: String] {
        var values = arguments
        for pair in config.config?.env ?? [] {
            if let eq = pair.firstIndex(of: "=") {
                values[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
            } else {
                values[pair] = ""
            }
        }
        return values
    }

    /// The container config, created when missing.
    var container: ContainerConfig {
        get { config.config ?? ContainerConfig() }
        set { config.config = newValue }
    }

    /// The working directory, `/` when unset.
    var workingDirectory: String {
        let dir = config.config?.workingDir ?? ""
        return dir.isEmpty ? "/" : dir
    }

    /// Sets `NAME=value` in the config's `Env`, replacing an earlier value in place.
    mutating func setEnvironment(_ name: String, _ value: String) {
        var env = container.env ?? []
        if let i = env.firstIndex(where: { $0 == name || $0.hasPrefix(name + "=") }) {
            env[i] = "\(name)=\(value)"
        } else {
            env.append("\(name)=\(value)")
        }
        container.env = env
    }

    /// Appends a history entry (config.md, `history`), marked empty when it adds no layer.
    mutating func record(_ createdBy: String, created: String, emptyLayer: Bool) {
        let entry = ImageConfig.History(created: created, createdBy: createdBy, comment: "xarch build",
                                        emptyLayer: emptyLayer ? true : nil)
        if config.history == nil { config.history = [] }
        config.history?.append(entry) // in place: rebuilding the array made long Dockerfiles quadratic
    }
}

/// The merged view of a stage's new layers (`StageState.newIndex`), for `StageTree`.
struct NewLayerIndex: Sendable {
    /// Each path's entry in the newest layer that has it.
    private(set) var entries: [String: LayerEntry] = [:]
    /// The names under each directory path ("" is the root) that the new layers make.
    private(set) var listing: [String: Set<String>] = [:]

    mutating func add(_ layer: LayerEntries) {
        for entry in layer.sorted {
            entries[entry.path] = entry
            var child = entry.path
            while true {
                let parent = LayerEntries.parent(of: child) ?? ""
                // Already listed: so are its parents (they were added with it).
                guard listing[parent, default: []].insert(CleanPath.base(child)).inserted, !parent.isEmpty else { break }
                child = parent
            }
        }
    }
}
