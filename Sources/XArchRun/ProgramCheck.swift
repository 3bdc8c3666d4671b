import Foundation
import XArchModel
import XArchVerify
#if canImport(Glibc)
import Glibc
#endif

/// The check that keeps `xarch test` from being fooled by the host (issue 12, "Not fooled by the
/// host"): before a platform runs, the program it starts is found in the image's root filesystem
/// (the `PATH` search inside the root, symlinks followed inside it), and its ELF header — and that of
/// a `#!` script's interpreter, and the presence of an ELF's loader — is judged against the platform
/// with the verify code (`ELFArchitecture.check`). Under binfmt an x86-64 binary in an image labelled
/// arm64 would run natively on an x86-64 host and pass; here it fails, without being run.
enum ProgramCheck {
    /// Bytes read from the start of a program (the ELF header and its program headers).
    static let prefixSize = 64 * 1024

    /// Why `program` cannot be this platform's, or nil when nothing is known against it (an ELF of the
    /// platform, or a file the kernel judges itself).
    static func problem(_ program: String, in paths: RootPaths, searchPath: String, workingDirectory: String,
                        platform: Platform) -> String? {
        guard let found = paths.findProgram(program, searchPath: searchPath, workingDirectory: workingDirectory) else {
            return "\(program): no executable file of that name in the image (PATH=\(searchPath))"
        }
        return problem(at: found.path, real: found.real, in: paths, platform: platform, depth: 0)
    }

    private static func problem(at path: String, real: String, in paths: RootPaths, platform: Platform, depth: Int) -> String? {
        let shown = path == real ? path : "\(path) (→ \(real))"
        guard let handle = FileHandle(forReadingAtPath: paths.host(real)) else { return "\(shown): cannot be read" }
        defer { try? handle.close() }
        let prefix = [UInt8]((try? handle.read(upToCount: prefixSize)) ?? Data())
        let size = Int64((try? handle.seekToEnd()) ?? UInt64(prefix.count))
        if prefix.starts(with: Array("#!".utf8)) {
            return scriptProblem(prefix, shown: shown, in: paths, platform: platform, depth: depth)
        }
        switch ELFHeader.parse(prefix: prefix, fileSize: size) {
        case .notELF:
            return nil
        case .malformed(let why):
            return "\(shown) is a malformed ELF file (\(why)), not run"
        case .elf(let header):
            guard let expected = ELFArchitecture.expected(for: platform) else { return nil }
            if let mismatch = expected.check(header), mismatch.kind != .compatibleArchitecture {
                return "\(shown) is \(header.description): \(mismatch.detail), not \(expected.name); not run"
            }
            if let loader = header.interpreter, paths.resolve(loader) == nil {
                return "\(shown) is \(header.description), but its loader \(loader) is not in the image; not run"
            }
            return nil
        }
    }

    /// A `#!` script: its interpreter must be in the image and itself fit the platform.
    private static func scriptProblem(_ prefix: [UInt8], shown: String, in paths: RootPaths, platform: Platform,
                                      depth: Int) -> String? {
        let line = String(decoding: prefix.dropFirst(2).prefix { $0 != 0x0a }, as: UTF8.self)
        guard let interpreter = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) else {
            return "\(shown) is a script with an empty #! line; not run"
        }
        guard depth < 4 else { return "\(shown): too many levels of #! interpreters; not run" }
        guard let real = paths.resolve(interpreter) else {
            return "\(shown) is a script for \(interpreter), which is not in the image; not run"
        }
        return problem(at: interpreter, real: real, in: paths, platform: platform, depth: depth + 1)
            .map { "\(shown) is a script for \(interpreter): \($0)" }
    }
}
