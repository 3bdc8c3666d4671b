import ArgumentParser
import Foundation
import XArch
import XArchModel
import XArchRegistry

/// Registry connection options shared by every command that reads or writes images.
struct RegistryOptionsGroup: ParsableArguments {
    @Option(name: .customLong("plain-http"), help: ArgumentHelp(
        "Talk plain HTTP to these registry hosts (comma-separated or repeated). Loopback registries may use HTTP anyway.",
        valueName: "host[:port]"))
    var plainHTTP: [String] = []

    @Option(name: .customLong("insecure"), help: ArgumentHelp(
        "Do not verify the TLS certificates of these registry hosts (comma-separated or repeated).", valueName: "host[:port]"))
    var insecure: [String] = []

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp(
        "Trust this PEM CA certificate in addition to the system's (repeatable).", valueName: "file"))
    var caCerts: [String] = []

    @Flag(name: .long, help: "Log every registry request (method, URL without secrets, status, time) to stderr.")
    var debug = false

    func validate() throws {
        for file in caCerts where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("--ca-cert \(file): no such file")
        }
        do {
            _ = try RegistryTimeouts(environment: ProcessInfo.processInfo.environment)
        } catch let error as XArchError {
            throw ValidationError(error.message)
        }
    }

    /// The session options these flags describe; credentials from the docker config.
    func makeRegistryOptions() -> RegistryOptions {
        var options = RegistryOptions()
        options.plainHTTPHosts = Set(ListOption.values(plainHTTP))
        options.insecureHosts = Set(ListOption.values(insecure))
        options.caCertificates = caCerts
        options.debug = debug || ProcessInfo.processInfo.environment["XARCH_DEBUG"] == "1"
        options.credentials = CredentialStore(configPath: nil)
        // validate() refused a value that does not parse.
        options.timeouts = (try? RegistryTimeouts(environment: ProcessInfo.processInfo.environment)) ?? RegistryTimeouts()
        return options
    }

    /// Runs `body` with a session that is shut down afterwards, whatever happens.
    func withSession<T>(_ body: (RegistrySession) async throws -> T) async throws -> T {
        let session = RegistrySession(options: makeRegistryOptions())
        do {
            let result = try await body(session)
            await session.shutdown()
            return result
        } catch {
            await session.shutdown()
            throw error
        }
    }

    /// Runs `body` with the store resolver of a session that is shut down afterwards.
    func withResolver<T>(_ body: (StoreResolver) async throws -> T) async throws -> T {
        try await withSession { try await body(StoreResolver(session: $0)) }
    }
}
