import Foundation
import XArchModel
#if canImport(Glibc)
import Glibc
#endif

extension ExecutionModes {
    /// The facts of this host: its platform (from `uname -m` and `/proc/cpuinfo`), kernel release,
    /// whether user namespaces are allowed (`/proc/sys/user/max_user_namespaces` above 0), the global
    /// binfmt_misc handlers, and whether the 32-bit companion architecture really runs (`NativeProbe`).
    public static func detect(locator: QEMULocator = QEMULocator(),
                              cpuOverrides: [(platform: Platform?, cpu: String)] = []) -> ExecutionModes {
        var name = utsname()
        let ok = uname(&name) == 0
        func field<T>(_ value: inout T) -> String {
            withUnsafeBytes(of: &value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let machine = ok ? field(&name.machine) : ""
        let release = ok ? field(&name.release) : ""
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let maximum = (try? String(contentsOfFile: "/proc/sys/user/max_user_namespaces", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        let host = HostCPUInfo.hostPlatform(machine: machine, cpuinfo: cpuinfo)
        let companion = ["amd64": "386", "arm64": "arm"][host.architecture]
        return ExecutionModes(host: host, kernelRelease: release, userNamespaces: maximum > 0, locator: locator,
                              globalHandlers: BinfmtHandler.registered(),
                              companionRuns: companion.map(NativeProbe.runs) ?? true, cpuOverrides: cpuOverrides)
    }
}
