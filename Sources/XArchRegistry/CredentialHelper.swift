import Foundation
import XArchModel

/// A docker credential helper: the program `docker-credential-NAME` found on `PATH`, spoken to with
/// the docker-credential-helpers protocol (`client/client.go`):
///
/// - `get`: the server URL on stdin; on success a JSON object `{"ServerURL","Username","Secret"}` on
///   stdout; on failure a non-zero exit with the message on stdout, `credentials not found in native
///   keychain` meaning "nothing stored".
/// - `store`: that JSON object on stdin.
/// - `erase`: the server URL on stdin.
///
/// A user name of `<token>` marks the secret as an identity token. Every run has a timeout; on expiry
/// the helper's whole process group is killed.
struct CredentialHelper: Sendable {
    /// The suffix from `credsStore` / `credHelpers`: `desktop`, `osxkeychain`, `ecr-login`, …
    let name: String
    /// The environment the helper runs with; its `PATH` is searched for the program.
    let environment: [String: String]
    /// How long one run may take.
    let timeout: TimeInterval

    /// The program name: `docker-credential-NAME`.
    var program: String { "docker-credential-\(name)" }

    /// The credentials the helper holds for `serverURL`; `nil` when the helper is not installed or
    /// says it has none. Any other failure throws, naming the helper.
    func get(serverURL: String) throws -> RegistryCredentials? {
        guard let result = try run("get", input: Data(serverURL.utf8), registry: serverURL) else { return nil }
        guard result.status == 0 else {
            if Self.isNotFound(result) { return nil }
            throw failure("get", result, registry: serverURL, secrets: [])
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: result.stdout)
        } catch {
            throw XArchError(.credentials, "The credential helper \(program) answered `get` for \(serverURL) with "
                                 + "something that is not its JSON credentials; check the helper.", cause: error)
        }
        let secret = answer.secret ?? ""
        guard !secret.isEmpty else { return nil }
        if answer.username == RegistryCredentials.identityTokenUsername {
            return RegistryCredentials(identityToken: secret)
        }
        return RegistryCredentials(username: answer.username, password: secret)
    }

    /// Stores `credentials` for `serverURL` (`docker-credential-NAME store`). An identity token is
    /// stored with the user name `<token>`. A missing helper is an error here: nothing else may
    /// silently receive the secret.
    func store(_ credentials: RegistryCredentials, serverURL: String) throws {
        let username: String
        let secret: String
        if let token = credentials.identityToken {
            (username, secret) = (RegistryCredentials.identityTokenUsername, token)
        } else if let password = credentials.password {
            (username, secret) = (credentials.username ?? "", password)
        } else {
            throw XArchError(.credentials, "A credential helper can store a password or an identity token, "
                                 + "not a registry token; remove credsStore/credHelpers for \(serverURL) to store it.")
        }
        let input = try JSONEncoder().encode(Answer(serverURL: serverURL, username: username, secret: secret))
        guard let result = try run("store", input: input, registry: serverURL) else { throw missing(serverURL) }
        guard result.status == 0 else { throw failure("store", result, registry: serverURL, secrets: [secret]) }
    }

    /// Erases what the helper holds for `serverURL`; "not found" is success.
    func erase(serverURL: String) throws {
        guard let result = try run("erase", input: Data(serverURL.utf8), registry: serverURL) else {
            throw missing(serverURL)
        }
        guard result.status == 0 || Self.isNotFound(result) else {
            throw failure("erase", result, registry: serverURL, secrets: [])
        }
    }

    /// The JSON credentials of the protocol.
    private struct Answer: Codable {
        var serverURL: String?
        var username: String?
        var secret: String?
        enum CodingKeys: String, CodingKey { case serverURL = "ServerURL", username = "Username", secret = "Secret" }
    }

    /// docker-credential-helpers `credentials.errCredentialsNotFoundMessage`, looked for in both streams.
    static func isNotFound(_ result: CredentialHelperProcess.Result) -> Bool {
        let text = (String(decoding: result.stdout, as: UTF8.self) + "\n" + String(decoding: result.stderr, as: UTF8.self))
            .lowercased()
        return text.contains("credentials not found")
    }

    /// Runs the helper, or returns `nil` when it is not installed.
    private func run(_ action: String, input: Data, registry: String) throws -> CredentialHelperProcess.Result? {
        guard Self.isValidName(name) else {
            throw XArchError(.credentials, "The docker configuration names the credential helper \"\(name)\", "
                                 + "which is not a valid helper name; fix credsStore or credHelpers.")
        }
        guard let executable = CredentialHelperProcess.locate(program, searchPath: environment["PATH"]) else { return nil }
        do {
            return try CredentialHelperProcess.run(executable: executable, arguments: [action], input: input,
                                         environment: environment, timeout: timeout)
        } catch let error as CredentialHelperProcess.Failure {
            switch error {
            case .timedOut:
                throw XArchError(.credentials, "The credential helper \(program) did not answer `\(action)` for "
                                     + "\(registry) within \(Int(timeout)) seconds and was stopped; check it with "
                                     + "`echo \(registry) | \(program) get`.")
            case .launch(let cause):
                throw XArchError(.credentials, "The credential helper \(executable) could not be started; check "
                                     + "that it is executable.", cause: cause)
            case .inputTooLarge:
                throw XArchError(.credentials, "The credentials for \(registry) are too large to pass to \(program).")
            }
        }
    }

    private func failure(_ action: String, _ result: CredentialHelperProcess.Result, registry: String,
                         secrets: [String]) -> XArchError {
        var output = String(decoding: result.stdout.isEmpty ? result.stderr : result.stdout, as: UTF8.self)
        for secret in secrets where !secret.isEmpty {
            output = output.replacingOccurrences(of: secret, with: Redaction.placeholder)
        }
        let firstLine = output.split(whereSeparator: \.isNewline).first.map { String($0.prefix(300)) } ?? ""
        let detail = firstLine.isEmpty ? "" : ": \(firstLine)"
        return XArchError(.credentials, "The credential helper \(program) failed to \(action) the credentials for "
                              + "\(registry) (exit status \(result.status))\(detail).")
    }

    private func missing(_ registry: String) -> XArchError {
        XArchError(.credentials, "The docker configuration uses the credential helper \(program) for \(registry), "
                       + "but it is not on PATH; install it or remove it from credsStore/credHelpers.")
    }

    /// Helper names are plain file-name suffixes: letters, digits, `.`, `_`, `-`, no leading `.`/`-`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != ".", first != "-" else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
    }
}
