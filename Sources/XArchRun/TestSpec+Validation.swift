import Foundation
import XArchModel

/// What is checked once a spec is decoded, before any image is read: a name on every test, and every
/// regular expression, permission string and timeout valid — so a typo fails at once, naming the
/// test, instead of failing one test on every platform.
extension TestSpec {
    /// Throws an `XArchError` (`.invalidInput`): `FILE: commandTests[1] ("name"): what`.
    func validate(file: String) throws {
        func fail(_ where_: String, _ message: String) -> XArchError {
            XArchError(.invalidInput, "\(file): \(where_): \(message)")
        }
        if let schemaVersion, schemaVersion != "2.0.0" {
            throw fail("schemaVersion", "\(schemaVersion) is not supported: xarch reads container-structure-test's 2.0.0")
        }
        guard count > 0 else {
            throw XArchError(.invalidInput, "the test spec \(file) holds no tests (commandTests, fileExistenceTests, fileContentTests, metadataTest)")
        }
        for (i, variable) in globalEnvVars.enumerated() where variable.key.isEmpty {
            throw fail("globalEnvVars[\(i)]", "key is empty")
        }
        for (i, test) in commandTests.enumerated() {
            let at = "commandTests[\(i)] (\(test.name.debugDescription))"
            try Self.requireName(test.name, at: at, fail)
            if test.command.isEmpty { throw fail(at, "command is empty") }
            if let key = test.envVars.first(where: { $0.key.isEmpty }) { throw fail(at, "an envVars key is empty (value \(key.value))") }
            if let timeout = test.timeout, !(timeout > 0) { throw fail(at, "timeout must be more than 0 seconds") }
            for (field, patterns) in [("expectedOutput", test.expectedOutput), ("excludedOutput", test.excludedOutput),
                                      ("expectedError", test.expectedError), ("excludedError", test.excludedError)] {
                try Self.requireRegexes(patterns, field: field, at: at, fail)
            }
        }
        for (i, test) in fileExistenceTests.enumerated() {
            let at = "fileExistenceTests[\(i)] (\(test.name.debugDescription))"
            try Self.requireName(test.name, at: at, fail)
            if test.path.isEmpty { throw fail(at, "path is empty") }
            if let permissions = test.permissions, FileModeText(parsing: permissions) == nil {
                throw fail(at, "permissions \(permissions) is not a mode as ls -l (-rwxr-xr-x, drwxrwxrwt) or CST (urwxr-xr-x) writes it")
            }
        }
        for (i, test) in fileContentTests.enumerated() {
            let at = "fileContentTests[\(i)] (\(test.name.debugDescription))"
            try Self.requireName(test.name, at: at, fail)
            if test.path.isEmpty { throw fail(at, "path is empty") }
            try Self.requireRegexes(test.expectedContents, field: "expectedContents", at: at, fail)
            try Self.requireRegexes(test.excludedContents, field: "excludedContents", at: at, fail)
        }
        if let metadataTest {
            for (field, pairs) in [("envVars", metadataTest.envVars), ("labels", metadataTest.labels)] {
                if pairs.contains(where: { $0.key.isEmpty }) { throw fail("metadataTest", "a \(field) key is empty") }
                try Self.requireRegexes(pairs.filter(\.isRegex).map(\.value), field: field, at: "metadataTest", fail)
            }
        }
    }

    private static func requireName(_ name: String, at: String, _ fail: (String, String) -> XArchError) throws {
        if name.trimmingCharacters(in: .whitespaces).isEmpty { throw fail(at, "name is empty") }
    }

    private static func requireRegexes(_ patterns: [String], field: String, at: String,
                                       _ fail: (String, String) -> XArchError) throws {
        for pattern in patterns {
            do { _ = try Regex(pattern) } catch {
                throw fail(at, "\(field) /\(pattern)/ is not a valid regular expression: \(error)")
            }
        }
    }
}
