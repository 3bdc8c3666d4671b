import XArchModel

/// The process a platform's test starts, composed from the image config as `docker run` does.
struct ImageProcess: Sendable, Hashable {
    /// The `PATH` set when the image's `Env` has none (Docker's and containerd's default).
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    var arguments: [String]
    var environment: [String]
    var workingDirectory: String
    var uid: UInt32 = 0
    var gid: UInt32 = 0
    var groups: [UInt32] = []

    /// The process of `xarch test`'s options (see `init(config:command:hostname:paths:)`).
    init(config: ContainerConfig?, options: ImageTestOptions, hostname: String, paths: RootPaths) throws {
        try self.init(config: config, command: CommandRun(options), hostname: hostname, paths: paths)
    }

    /// argv = Entrypoint + (the command's arguments, else Cmd); an entrypoint of the command replaces
    /// the image's and drops its Cmd (`docker run --entrypoint`). Env = the image's `Env`, a default
    /// `PATH` when missing, `HOSTNAME`, `HOME` from the image's own `/etc/passwd` (else `/`), then the
    /// command's additions. `USER` (the image's or the command's) is resolved in the image's
    /// `/etc/passwd` and `/etc/group`. A spec's command (`expandsVariables`) has `$NAME` replaced in
    /// each addition from the environment so far (`PATH=/opt/bin:$PATH`), and in its arguments from the
    /// whole environment (CST uses the image's alone: here `$PATH` is what the program will see).
    init(config: ContainerConfig?, command run: CommandRun, hostname: String, paths: RootPaths) throws {
        let entrypoint = run.entrypoint ?? config?.entrypoint ?? []
        let command = !run.command.isEmpty ? run.command : run.entrypoint != nil ? [] : config?.cmd ?? []
        arguments = entrypoint + command
        guard !arguments.isEmpty else {
            throw XArchError(.invalidInput, "no command to run: the image has no Entrypoint or Cmd; give one after --")
        }
        let identity = try UserIdentity(run.user ?? config?.user ?? "", paths: paths)
        (uid, gid, groups) = (identity.uid, identity.gid, identity.groups)
        var environment = config?.env ?? []
        if Self.value("PATH", in: environment) == nil { environment.append("PATH=\(Self.defaultPath)") }
        Self.set("HOSTNAME=\(hostname)", in: &environment)
        if Self.value("HOME", in: environment) == nil { environment.append("HOME=\(identity.home ?? "/")") }
        for addition in run.environment {
            Self.set(run.expandsVariables ? SpecVariables.expand(addition, in: environment) : addition, in: &environment)
        }
        if run.expandsVariables { arguments = arguments.map { SpecVariables.expand($0, in: environment) } }
        self.environment = environment
        let directory = run.workingDirectory ?? config?.workingDir ?? ""
        workingDirectory = directory.isEmpty ? "/" : directory.hasPrefix("/") ? directory : "/" + directory
    }

    /// The value of `name` in a `K=V` list.
    static func value(_ name: String, in environment: [String]) -> String? {
        environment.last { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// Sets `K=V` in place of an existing `K`, else at the end.
    static func set(_ assignment: String, in environment: inout [String]) {
        let key = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0] + "="
        environment.removeAll { $0.hasPrefix(key) }
        environment.append(assignment)
    }
}

/// A `USER` value (`name`, `uid`, `name:group`, `uid:gid`) resolved in the image's own `/etc/passwd` and
/// `/etc/group`, never the host's; a numeric user needs neither file.
public struct UserIdentity: Sendable, Hashable {
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary groups: those of `/etc/group` that list the user, when no group was given.
    public var groups: [UInt32]
    public var home: String?

    init(_ spec: String, paths: RootPaths) throws {
        try self.init(spec, passwd: Self.text(paths.read("/etc/passwd")), group: Self.text(paths.read("/etc/group")))
    }

    /// `spec` resolved in the texts of the image's `/etc/passwd` and `/etc/group` (empty when missing).
    public init(_ spec: String, passwd: String, group: String) throws {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let user = parts[0].isEmpty ? "0" : parts[0]
        let users = AccountDatabase.users(passwd)
        let groupFile = AccountDatabase.groups(group)
        let account: AccountDatabase.User?
        if let number = UInt32(user) {
            account = users.first { $0.uid == number }
            uid = number
        } else {
            guard let found = users.first(where: { $0.name == user }) else {
                throw XArchError(.invalidInput, "user \(user) is not in the image's /etc/passwd")
            }
            account = found
            uid = found.uid
        }
        home = account.flatMap { $0.home.isEmpty ? nil : $0.home }
        if parts.count == 2, !parts[1].isEmpty {
            if let number = UInt32(parts[1]) {
                gid = number
            } else if let found = groupFile.first(where: { $0.name == parts[1] }) {
                gid = found.gid
            } else {
                throw XArchError(.invalidInput, "group \(parts[1]) is not in the image's /etc/group")
            }
            groups = []
        } else {
            let primary = account?.gid ?? 0
            gid = primary
            groups = account.map { account in
                groupFile.filter { $0.members.contains(account.name) }.map(\.gid).filter { $0 != primary }
            } ?? []
        }
    }

    static func text(_ bytes: [UInt8]?) -> String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "" }
}
