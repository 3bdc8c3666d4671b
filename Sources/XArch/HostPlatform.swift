import Foundation
import XArchModel
#if canImport(Glibc)
import Glibc
#endif

/// Detection of the platform this process runs on (I/O lives here; the parsing is pure and tested in
/// the model's `HostCPUInfo`).
public enum HostPlatform {
    /// The host platform with its amd64 level or arm variant, from `uname -m` and `/proc/cpuinfo`.
    public static func detect() -> Platform {
        HostCPUInfo.hostPlatform(machine: machine(), cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
    }

    /// `uname -m`.
    public static func machine() -> String {
        var name = utsname()
        guard uname(&name) == 0 else { return "" }
        return withUnsafeBytes(of: &name.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Architectures this host can run through QEMU user emulation registered with binfmt_misc
    /// (`/proc/sys/fs/binfmt_misc/qemu-*` entries that are enabled), as QEMU names them.
    public static func emulatedMachines(binfmtDirectory: String = "/proc/sys/fs/binfmt_misc") -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: binfmtDirectory) else { return [] }
        return names.filter { $0.hasPrefix("qemu-") }.sorted().compactMap { name in
            let text = (try? String(contentsOfFile: binfmtDirectory + "/" + name, encoding: .utf8)) ?? ""
            return text.hasPrefix("enabled") ? String(name.dropFirst("qemu-".count)) : nil
        }
    }
}
