import Foundation
import XArchModel
import Yams

/// Decoding of a spec from YAML (Yams' `YAMLDecoder`: anchors, aliases and `<<` merge keys work).
/// Every mapping's keys are checked: what CST has and xarch refuses is named with the reason, any
/// other unknown key is an error listing the keys allowed there. Top-level keys starting with `x-`
/// are ignored, as compose files allow, to hold anchors.
extension TestSpec: Decodable {
    /// Decodes `yaml`, the text of `file` (named in every message), and checks it: a name on every
    /// test, valid regular expressions, permission strings and platforms. Throws an `XArchError`
    /// (`.invalidInput`) with a one-line message naming the file and where in it.
    public init(yaml: String, file: String) throws {
        let spec: TestSpec
        if yaml.allSatisfy(\.isWhitespace) { throw XArchError(.invalidInput, "the test spec \(file) is empty") }
        do {
            spec = try YAMLDecoder().decode(TestSpec.self, from: yaml)
        } catch let error as DecodingError {
            throw Self.describe(error, file: file)
        }
        try spec.validate(file: file)
        self = spec
    }

    public init(from decoder: any Decoder) throws {
        let m = try SpecMapping(decoder, keys: ["schemaVersion", "globalEnvVars", "commandTests", "fileExistenceTests",
                                               "fileContentTests", "metadataTest"],
                                refused: ["licenseTests": "licenseTests are not supported by xarch test",
                                          "containerRunOptions": "containerRunOptions is not supported: each command test sets its own user and envVars"],
                                extensions: true)
        schemaVersion = try m.optional("schemaVersion")
        globalEnvVars = try m.list("globalEnvVars")
        commandTests = try m.list("commandTests")
        fileExistenceTests = try m.list("fileExistenceTests")
        fileContentTests = try m.list("fileContentTests")
        metadataTest = try m.optional("metadataTest")
    }

    /// `file: where: what`, one line, for a decoding error.
    static func describe(_ error: DecodingError, file: String) -> XArchError {
        let where_: String
        let what: String
        switch error {
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return XArchError(.invalidInput, "the test spec \(file) is not a mapping of tests (schemaVersion, commandTests, "
                              + "fileExistenceTests, fileContentTests, metadataTest)", cause: error)
        case .typeMismatch(let type, let context):
            (where_, what) = (path(context.codingPath), "expected \(expectation(type))")
        case .valueNotFound(let type, let context):
            (where_, what) = (path(context.codingPath), "expected \(expectation(type)), found nothing")
        case .keyNotFound(let key, let context):
            (where_, what) = (path(context.codingPath), "\(key.stringValue) is missing")
        case .dataCorrupted(let context):
            if let underlying = context.underlyingError, !(underlying is DecodingError) {
                let detail = "\(underlying)".split(separator: "\n").first.map(String.init) ?? "\(underlying)"
                return XArchError(.invalidInput, "the test spec \(file) is not YAML: \(detail)", cause: underlying)
            }
            (where_, what) = (path(context.codingPath), context.debugDescription)
        @unknown default:
            (where_, what) = ("", "\(error)")
        }
        return XArchError(.invalidInput, "\(file): \(where_.isEmpty ? "" : where_ + ": ")\(what)", cause: error)
    }

    /// `commandTests[1].exitCode`.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    /// What a type is, for a person.
    private static func expectation(_ type: Any.Type) -> String {
        switch type {
        case is Node.Mapping.Type, is TestSpec.Type: "a mapping"
        case is Node.Sequence.Type: "a list"
        case is Node.Scalar.Type: "a single value, not a list or mapping"
        case is String.Type: "a string"
        case is Int32.Type, is Int.Type, is UInt32.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}

extension TestSpec.EnvVar: Decodable {
    public init(from decoder: any Decoder) throws {
        let m = try SpecMapping(decoder, keys: ["key", "value", "isRegex"])
        key = try m.required("key")
        value = try m.optional("value") ?? ""
        isRegex = try m.optional("isRegex") ?? false
    }
}

extension TestSpec.CommandTest: Decodable {
    public init(from decoder: any Decoder) throws {
        let m = try SpecMapping(decoder, keys: ["name", "command", "args", "entrypoint", "envVars", "exitCode", "expectedOutput",
                                               "excludedOutput", "expectedError", "excludedError", "platforms", "user",
                                               "workdir", "timeout"],
                                refused: ["setup": "setup is not supported: each command test runs in a fresh sandbox, so put the preparation in the command itself (sh -c 'prepare && run')",
                                          "teardown": "teardown is not supported: nothing a command test does is kept, so there is nothing to tear down"])
        self.init(name: try m.required("name"), command: try m.required("command"))
        args = try m.list("args")
        entrypoint = try m.optional("entrypoint")
        envVars = try m.list("envVars")
        exitCode = try m.optional("exitCode") ?? 0
        for (key, field) in [("expectedOutput", \Self.expectedOutput), ("excludedOutput", \.excludedOutput),
                             ("expectedError", \.expectedError), ("excludedError", \.excludedError)] {
            self[keyPath: field] = try m.list(key)
        }
        platforms = try m.platforms()
        user = try m.optional("user")
        workdir = try m.optional("workdir")
        timeout = try m.optional("timeout")
    }
}

extension TestSpec.FileExistenceTest: Decodable {
    public init(from decoder: any Decoder) throws {
        let m = try SpecMapping(decoder, keys: ["name", "path", "shouldExist", "permissions", "uid", "gid", "isExecutableBy", "platforms"])
        self.init(name: try m.required("name"), path: try m.required("path"))
        shouldExist = try m.optional("shouldExist") ?? true
        permissions = try m.optional("permissions")
        uid = try m.owner("uid")
        gid = try m.owner("gid")
        if let executor: String = try m.optional("isExecutableBy") {
            guard let known = TestSpec.Executor(rawValue: executor) else {
                throw m.error("isExecutableBy", "\(executor) is not one of owner, group, other, any")
            }
            isExecutableBy = known
        }
        platforms = try m.platforms()
    }
}

extension TestSpec.FileContentTest: Decodable {
    public init(from decoder: any Decoder) throws {
        let m = try SpecMapping(decoder, keys: ["name", "path", "expectedContents", "excludedContents", "platforms"])
        self.init(name: try m.required("name"), path: try m.required("path"))
        expectedContents = try m.list("expectedContents")
        excludedContents = try m.list("excludedContents")
        platforms = try m.platforms()
    }
}

extension TestSpec.MetadataTest: Decodable {
    public init(from decoder: any Decoder) throws {
        let m = try SpecMapping(decoder, keys: ["envVars", "labels", "exposedPorts", "unexposedPorts", "volumes", "unmountedVolumes",
                                               "entrypoint", "cmd", "workdir", "user", "platforms"],
                                refused: ["env": "env is CST's old name: write envVars"])
        self.init()
        envVars = try m.list("envVars")
        labels = try m.list("labels")
        for (key, field) in [("exposedPorts", \Self.exposedPorts), ("unexposedPorts", \.unexposedPorts), ("volumes", \.volumes),
                             ("unmountedVolumes", \.unmountedVolumes)] {
            self[keyPath: field] = try m.list(key)
        }
        (entrypoint, cmd) = (try m.optional("entrypoint"), try m.optional("cmd"))
        (workdir, user) = (try m.optional("workdir"), try m.optional("user"))
        platforms = try m.platforms()
    }
}

/// Any key of a YAML mapping.
struct SpecKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One mapping of a spec, its keys checked against those allowed there.
struct SpecMapping {
    let container: KeyedDecodingContainer<SpecKey>

    /// Throws on a key not in `keys`: with the reason from `refused`, else listing `keys`. With
    /// `extensions`, keys starting with `x-` are allowed (and ignored).
    init(_ decoder: any Decoder, keys: [String], refused: [String: String] = [:], extensions: Bool = false) throws {
        container = try decoder.container(keyedBy: SpecKey.self)
        for key in container.allKeys where !keys.contains(key.stringValue) {
            if extensions, key.stringValue.hasPrefix("x-") { continue }
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [key],
                debugDescription: refused[key.stringValue] ?? "unknown key (allowed here: \(keys.joined(separator: ", ")))"))
        }
    }

    func optional<T: Decodable>(_ key: String) throws -> T? {
        try container.decodeIfPresent(T.self, forKey: SpecKey(key))
    }

    func list<T: Decodable>(_ key: String) throws -> [T] {
        try optional(key) ?? []
    }

    func required<T: Decodable>(_ key: String) throws -> T {
        guard let value: T = try optional(key) else {
            throw DecodingError.keyNotFound(SpecKey(key), .init(codingPath: container.codingPath, debugDescription: "\(key) is missing"))
        }
        return value
    }

    /// `platforms`, each parsed as containerd does.
    func platforms() throws -> [Platform] {
        let texts: [String] = try list("platforms")
        return try texts.map { text in
            do { return try Platform(parsing: text) } catch {
                throw self.error("platforms", (error as? XArchError)?.message ?? "\(error)")
            }
        }
    }

    /// A `uid` or `gid`: nil when absent or -1 (CST's "not checked").
    func owner(_ key: String) throws -> UInt32? {
        guard let value: Int = try optional(key), value != -1 else { return nil }
        guard let id = UInt32(exactly: value) else { throw error(key, "\(value) is not a user or group id") }
        return id
    }

    func error(_ key: String, _ message: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: container.codingPath + [SpecKey(key)], debugDescription: message))
    }
}
