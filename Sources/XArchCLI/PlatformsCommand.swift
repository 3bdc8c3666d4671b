import ArgumentParser
import XArch
import XArchModel

/// `xarch platforms`: the host platform and the platforms it runs, best first.
struct PlatformsCommand: AsyncParsableCommand, XArchRunnable {
    static let configuration = CommandConfiguration(
        commandName: "platforms",
        abstract: "Show the host platform and the ordered list of platforms it can run.",
        discussion: "The amd64 level (v1–v4) comes from the CPU flags, the arm variant from /proc/cpuinfo. Platforms runnable only through QEMU user emulation registered with binfmt_misc are listed apart."
    )

    @OptionGroup var output: FormatOption

    struct Report: Codable {
        var host: String
        var hostDetail: Platform
        /// Natively runnable platforms, most preferred first (containerd's `Only` order).
        var compatible: [String]
        /// `qemu-*` binfmt_misc handlers that are enabled.
        var emulated: [String]
    }

    func execute(_ context: CommandContext) async throws {
        let host = HostPlatform.detect()
        let report = Report(host: host.formatted, hostDetail: host,
                            compatible: PlatformMatcher.only(host).platforms.map(\.formatted),
                            emulated: HostPlatform.emulatedMachines())
        if output.format == .json { return try context.printJSON(report) }
        context.print("host: \(context.style(report.host, .bold))")
        context.print("runs natively, most preferred first:")
        for (i, p) in report.compatible.enumerated() { context.print("  \(i + 1). \(p)") }
        if !report.emulated.isEmpty {
            context.print("runs under QEMU emulation (binfmt_misc): \(report.emulated.joined(separator: ", "))")
        }
    }
}
