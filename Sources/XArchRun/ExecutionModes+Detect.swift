import Foundation
import XArchModel
#if canImport(Glibc)
import Glibc
#endif

extension ExecutionModes {
    /// The facts of this host: its platform (from `uname -m` and `/proc/cpuinfo`), kernel release and
    /// whether user namespaces are allowed (`/proc/sys/user/max_user_namespaces` above 0).
    public static func detect(locator: QEMULocator = QEMULocator()) -> ExecutionModes {
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
        return ExecutionModes(host: HostCPUInfo.hostPlatform(machine: machine, cpuinfo: cpuinfo),
                              kernelRelease: release, userNamespaces: maximum > 0, locator: locator)
    }
}
