import ArgumentParser
import Foundation
import XArchModel
import XArchRegistry

/// `xarch login REGISTRY`: check credentials against the registry, then store them the way docker does.
struct LoginCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in to a registry and store the credentials the way docker does.",
        discussion: """
            The credentials are checked against the registry first. They go to the credential helper named \
            by credHelpers/credsStore in $DOCKER_CONFIG/config.json (or ~/.docker/config.json), otherwise \
            into that file's auths. Prefer --password-stdin: a password on the command line ends up in shell \
            history and process lists.
            """
    )

    @Option(name: [.short, .long], help: "User name.")
    var username: String

    @Option(name: [.short, .long], help: "Password or token (prefer --password-stdin).")
    var password: String?

    @Flag(name: .long, help: "Read the password from standard input.")
    var passwordStdin = false

    @OptionGroup(title: "Registry options") var registry: RegistryOptionsGroup

    @Argument(help: "Registry host, e.g. ghcr.io or localhost:5000 (docker.io for Docker Hub).")
    var server: String

    func validate() throws {
        if passwordStdin == (password != nil) {
            throw ValidationError("Give the password with exactly one of --password or --password-stdin.")
        }
    }

    func execute(_ context: CommandContext) async throws {
        let secret = try password ?? Self.readPassword()
        let host = LoginCommand.host(server)
        let credentials = RegistryCredentials(username: username, password: secret)
        var options = registry.makeRegistryOptions()
        options.explicitCredentials = [host == "docker.io" ? "registry-1.docker.io" : host: credentials]
        let session = RegistrySession(options: options)
        do {
            try await session.ping(host)
            await session.shutdown()
        } catch {
            await session.shutdown()
            throw error
        }
        let location = try CredentialStore(configPath: nil).store(credentials, for: host)
        context.print("Login to \(host) succeeded; credentials stored in \(location).")
    }

    static func readPassword() throws -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        guard !text.isEmpty else { throw XArchError(.invalidInput, "no password on standard input") }
        return text
    }

    /// `https://host/v2/` or `host` → `host`.
    static func host(_ server: String) -> String {
        var s = server
        for prefix in ["https://", "http://"] where s.hasPrefix(prefix) { s.removeFirst(prefix.count) }
        return String(s.split(separator: "/").first ?? "")
    }
}

/// `xarch logout REGISTRY`.
struct LogoutCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Remove the stored credentials of a registry.")

    @Argument(help: "Registry host.")
    var server: String

    func execute(_ context: CommandContext) async throws {
        let host = LoginCommand.host(server)
        try CredentialStore(configPath: nil).erase(for: host)
        context.print("Removed the credentials of \(host).")
    }
}
