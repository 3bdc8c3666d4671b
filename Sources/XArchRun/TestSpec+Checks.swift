#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchModel

/// The tests of a spec that run nothing: files looked at in the unpacked root filesystem (paths
/// resolved inside it, `RootPaths`), and the platform's image config. Each returns its failures,
/// every one a sentence; none: it passed.
extension TestSpec {
    /// The spec with only the tests whose `platforms` match `platform` (containerd's `Any` matching:
    /// `linux/arm64` matches `linux/arm64/v8`); a test without `platforms` runs everywhere.
    public func only(_ platform: Platform) -> TestSpec {
        func applies(_ platforms: [Platform]) -> Bool { platforms.isEmpty || PlatformMatcher.any(platforms).matches(platform) }
        var spec = self
        spec.commandTests = commandTests.filter { applies($0.platforms) }
        spec.fileExistenceTests = fileExistenceTests.filter { applies($0.platforms) }
        spec.fileContentTests = fileContentTests.filter { applies($0.platforms) }
        spec.metadataTest = metadataTest.flatMap { !$0.isEmpty && applies($0.platforms) ? $0 : nil }
        return spec
    }
}

extension TestSpec.FileExistenceTest {
    /// Checks the entry `path` names (`$NAME` expanded from `environment`, the image's `Env`) in the
    /// tree at `paths`. `ownersKnown`: the tree's owners are the image's (it was unpacked as root).
    func failures(in paths: RootPaths, environment: [String], ownersKnown: Bool) -> [String] {
        let path = SpecVariables.expand(self.path, in: environment)
        guard let real = paths.entry(path) else { return shouldExist ? ["\(path) does not exist"] : [] }
        guard shouldExist else { return ["\(path) exists, and should not"] }
        var st = stat()
        guard lstat(paths.host(real), &st) == 0 else { return ["\(path) cannot be examined"] }
        let mode = FileModeText(mode: st.st_mode)
        var failures: [String] = []
        if let permissions, let expected = FileModeText(parsing: permissions), expected != mode {
            failures.append("\(path) has permissions \(mode.written(like: permissions)), expected \(permissions)")
        }
        for (what, expected, actual) in [("user", uid, st.st_uid), ("group", gid, st.st_gid)] {
            guard let expected else { continue }
            if !ownersKnown {
                failures.append("the \(what) owning \(path) is unknown here: owners are only applied when xarch runs as root")
            } else if expected != actual {
                failures.append("\(path) is owned by \(what) \(actual), expected \(expected)")
            }
        }
        if let isExecutableBy {
            let mask: UInt16 = switch isExecutableBy {
            case .owner: 0o100
            case .group: 0o010
            case .other: 0o001
            case .any: 0o111
            }
            if mode.bits & mask == 0 {
                failures.append("\(path) (\(mode.ls)) is not executable by \(isExecutableBy.rawValue)")
            }
        }
        return failures
    }
}

extension TestSpec.FileContentTest {
    /// The largest file a content test reads.
    static let sizeLimit = 16 << 20

    /// Reads the file `path` names (symlinks followed inside the root) and matches its content.
    func failures(in paths: RootPaths, environment: [String]) -> [String] {
        let path = SpecVariables.expand(self.path, in: environment)
        guard let real = paths.resolve(path) else { return ["\(path) does not exist"] }
        var st = stat()
        guard stat(paths.host(real), &st) == 0 else { return ["\(path) cannot be examined"] }
        guard st.st_mode & S_IFMT == S_IFREG else {
            return ["\(path) is \(st.st_mode & S_IFMT == S_IFDIR ? "a directory" : "not a regular file"), not a file to read"]
        }
        guard st.st_size <= Self.sizeLimit else {
            return ["\(path) is \(st.st_size) bytes: a content test reads at most \(Self.sizeLimit >> 20) MiB"]
        }
        guard let bytes = paths.read(path, limit: Self.sizeLimit) else { return ["\(path) cannot be read"] }
        let text = String(decoding: bytes, as: UTF8.self)
        return SpecPattern.failures(expected: expectedContents, excluded: excludedContents, in: text, what: "\(path)")
    }
}

extension TestSpec.MetadataTest {
    /// Compares the platform's config (nil: an image config without one) with what is expected.
    func failures(in config: ContainerConfig?) -> [String] {
        var failures: [String] = []
        let labelList = (config?.labels ?? [:]).map { "\($0.key)=\($0.value)" }
        for (what, pairs, actual) in [("variable", envVars, config?.env ?? []), ("label", labels, labelList)] {
            for pair in pairs {
                guard let value = ImageProcess.value(pair.key, in: actual) else {
                    failures.append("\(what) \(pair.key) is not in the image's \(what == "label" ? "Labels" : "Env")")
                    continue
                }
                if pair.isRegex ? !SpecPattern.matches(pair.value, value) : pair.value != value {
                    failures.append("\(what) \(pair.key) is \(value.debugDescription), expected \(pair.isRegex ? "/\(pair.value)/" : pair.value.debugDescription)")
                }
            }
        }
        let ports = (config?.exposedPorts ?? [:]).keys.sorted()
        failures += exposedPorts.filter { !Self.port($0, isIn: ports) }.map { "port \($0) is not exposed (ExposedPorts: \(ports))" }
        failures += unexposedPorts.filter { Self.port($0, isIn: ports) }.map { "port \($0) is exposed, and should not be" }
        let declared = (config?.volumes ?? [:]).keys.sorted()
        failures += volumes.filter { !declared.contains($0) }.map { "volume \($0) is not declared (Volumes: \(declared))" }
        failures += unmountedVolumes.filter { declared.contains($0) }.map { "volume \($0) is declared, and should not be" }
        for (what, expected, actual) in [("Entrypoint", entrypoint, config?.entrypoint), ("Cmd", cmd, config?.cmd)] {
            if let expected, expected != actual ?? [] { failures.append("\(what) is \(actual ?? []), expected \(expected)") }
        }
        // CST: an empty workdir is not checked.
        if let workdir, !workdir.isEmpty, workdir != config?.workingDir ?? "" {
            failures.append("WorkingDir is \((config?.workingDir ?? "").debugDescription), expected \(workdir.debugDescription)")
        }
        if let user, user != config?.user ?? "" {
            failures.append("User is \((config?.user ?? "").debugDescription), expected \(user.debugDescription)")
        }
        return failures
    }

    /// Whether `port` is among `exposed` (`8080/tcp` keys): `8080` matches any protocol, `8080/udp`
    /// only that one, as CST compares them; a key without a protocol is tcp (Docker's default).
    static func port(_ port: String, isIn exposed: [String]) -> Bool {
        func split(_ text: String) -> (port: Substring, proto: Substring?) {
            let parts = text.split(separator: "/", maxSplits: 1)
            return (parts.first ?? "", parts.count > 1 ? parts[1] : nil)
        }
        let wanted = split(port)
        return exposed.contains { key in
            let have = split(key)
            return have.port == wanted.port && (wanted.proto == nil || wanted.proto?.lowercased() == (have.proto ?? "tcp").lowercased())
        }
    }
}
