import ArgumentParser
import XArch
import XArchModel
import XArchRun

/// `xarch platforms`: the host platform and the platforms it runs, best first.
struct PlatformsCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "platforms",
        abstract: "Show the host platform and the ordered list of platforms it can run.",
        discussion: """
            The amd64 level (v1–v4) comes from the CPU flags, the arm variant from /proc/cpuinfo. Then, for the \
            common Linux platforms, how `xarch test` would run each: native, binfmt-userns (QEMU user emulation \
            through a binfmt_misc private to a user namespace, Linux 6.7 or later; nothing global changes) or \
            skipped, with what would enable it. Handlers registered globally with binfmt_misc are listed apart.
            """
    )

    @OptionGroup var output: FormatOption

    struct Report: Codable {
        var host: String
        var hostDetail: Platform
        /// Natively runnable platforms, most preferred first (containerd's `Only` order).
        var compatible: [String]
        /// `qemu-*` binfmt_misc handlers that are enabled globally.
        var emulated: [String]
        /// How each common Linux platform would run here.
        var runnable: [Runnable]
    }

    /// One platform's execution mode.
    struct Runnable: Codable {
        var platform: String
        /// `native`, `binfmt-userns` or `skipped`.
        var mode: String
        /// The QEMU binary and its version, for `binfmt-userns`.
        var emulator: String?
        var emulatorVersion: String?
        /// Why the platform is skipped, and what would enable it.
        var reason: String?
    }

    /// The platforms listed: the Linux platforms Docker Official Images are built for, the arm variants,
    /// mips64le and loong64.
    static let listed = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5", "linux/386",
                         "linux/ppc64le", "linux/s390x", "linux/riscv64", "linux/mips64le", "linux/loong64"]

    static func runnable(_ modes: ExecutionModes) -> [Runnable] {
        listed.compactMap { try? Platform(parsing: $0) }.map { platform in
            switch modes.mode(for: platform) {
            case .native(let personality32):
                return Runnable(platform: platform.formatted, mode: "native", reason: personality32 ? "32-bit personality" : nil)
            case .binfmtUserNamespace(let emulator):
                return Runnable(platform: platform.formatted, mode: "binfmt-userns", emulator: emulator.path,
                                emulatorVersion: emulator.version)
            case .binfmtHost(let handler, _):
                return Runnable(platform: platform.formatted, mode: "binfmt-host", emulator: handler.interpreter,
                                reason: "global binfmt_misc handler \(handler.name)")
            case .skipped(let reason):
                return Runnable(platform: platform.formatted, mode: "skipped", reason: reason)
            }
        }
    }

    func execute(_ context: CommandContext) async throws {
        let host = HostPlatform.detect()
        let report = Report(host: host.formatted, hostDetail: host,
                            compatible: PlatformMatcher.only(host).platforms.map(\.formatted),
                            emulated: HostPlatform.emulatedMachines(),
                            runnable: Self.runnable(ExecutionModes.detect()))
        if output.format == .json { return try context.printJSON(report) }
        context.print("host: \(context.style(report.host, .bold))")
        context.print("runs natively, most preferred first:")
        for (i, p) in report.compatible.enumerated() { context.print("  \(i + 1). \(p)") }
        context.print("")
        context.print("xarch test runs:")
        var table = Table("PLATFORM", "MODE", "DETAIL")
        for r in report.runnable {
            let detail = r.emulator.map { "\($0)\(r.emulatorVersion.map { " (QEMU \($0))" } ?? "")" } ?? r.reason ?? ""
            table.add(r.platform, r.mode, detail)
        }
        for line in table.render(styleHeader: { context.style($0, .bold) }) { context.print("  " + line) }
        if !report.emulated.isEmpty {
            context.print("global binfmt_misc handlers: \(report.emulated.joined(separator: ", "))")
        }
    }
}
