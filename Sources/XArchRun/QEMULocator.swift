import Foundation
import XArchModel

/// Finds the static QEMU user-mode emulator for a platform. Searched in order: `--qemu-dir`,
/// `$XARCH_QEMU_DIR`, each directory of `$PATH`, then `/usr/libexec/qemu-binfmt`; in each, the names
/// `qemu-<arch>-static` and `qemu-<arch>`. Only a static ELF is accepted (a dynamic one fails inside the
/// guest's root). The binfmt magic and mask come from `/usr/lib/binfmt.d/qemu-<arch>.conf` (Debian's
/// qemu-user-static), else from a built-in table.
public struct QEMULocator: Sendable {
    /// The outcome of a search: an emulator, or why there is none and what would give one.
    public enum Lookup: Sendable, Hashable {
        case found(QEMUEmulator)
        case missing(reason: String)
    }

    /// The directories searched, in order.
    public var directories: [String]
    /// Where the `qemu-<arch>.conf` registration files are.
    public var binfmtConfigDirectory: String

    /// - Parameters:
    ///   - qemuDirectory: `--qemu-dir`, searched first.
    ///   - environment: supplies `XARCH_QEMU_DIR` and `PATH`.
    public init(qemuDirectory: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                binfmtConfigDirectory: String = "/usr/lib/binfmt.d") {
        var directories: [String] = []
        if let qemuDirectory, !qemuDirectory.isEmpty { directories.append(qemuDirectory) }
        if let fromEnvironment = environment["XARCH_QEMU_DIR"], !fromEnvironment.isEmpty {
            directories.append(fromEnvironment)
        }
        directories += (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        directories.append("/usr/libexec/qemu-binfmt")
        self.directories = directories
        self.binfmtConfigDirectory = binfmtConfigDirectory
    }

    /// The emulator for `platform`, with the CPU its variant promises (`QEMUEmulator.cpu(for:)`).
    public func locate(_ platform: Platform) -> Lookup {
        guard let architecture = QEMUEmulator.architecture(for: platform) else {
            return .missing(reason: "QEMU user mode has no emulator for the architecture \(platform.architecture)")
        }
        var rejected: [String] = []
        for directory in directories {
            for name in ["qemu-\(architecture)-static", "qemu-\(architecture)"] {
                let path = directory + "/" + name
                guard FileManager.default.isExecutableFile(atPath: path) else { continue }
                guard ELFInterpreter.linkage(ofFileAt: path) == .staticExecutable else {
                    rejected.append(path)
                    continue
                }
                guard let registration = registration(architecture: architecture) else {
                    return .missing(reason: "no binfmt magic known for qemu-\(architecture) "
                        + "(no \(binfmtConfigDirectory)/qemu-\(architecture).conf)")
                }
                return .found(QEMUEmulator(architecture: architecture, path: path, version: Self.version(of: path),
                                           registration: registration.forSandbox(interpreter: path),
                                           cpu: QEMUEmulator.cpu(for: platform)))
            }
        }
        let notStatic = rejected.isEmpty ? "" : " (\(rejected.joined(separator: ", ")) not a static ELF)"
        return .missing(reason: "no static qemu-\(architecture)-static found in --qemu-dir, $XARCH_QEMU_DIR, $PATH "
            + "or /usr/libexec/qemu-binfmt\(notStatic): apt-get install qemu-user-static")
    }

    /// The registration of `qemu-<architecture>` from the binfmt.d file, else the built-in table.
    func registration(architecture: String) -> BinfmtRegistration? {
        let file = "\(binfmtConfigDirectory)/qemu-\(architecture).conf"
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
                if let parsed = BinfmtRegistration(line: String(line)), parsed.type == "M" { return parsed }
            }
        }
        return BinfmtRegistration.builtin(qemuArchitecture: architecture)
    }

    /// The first line of `path --version`, or nil when it cannot be run.
    static func version(of path: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--version"]
        process.environment = [:]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let output = (try? pipe.fileHandleForReading.readToEnd()) ?? Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: output.prefix(4096), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
    }
}
