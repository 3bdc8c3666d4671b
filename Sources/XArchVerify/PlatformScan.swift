import XArchModel

/// The content check of one platform: its layers applied in order, then every file judged.
///
/// - ELF executables and shared objects (Linux and other unix platforms): class, byte order,
///   `e_machine`, OS ABI and `e_flags` ABI against `ELFArchitecture.expected(for:)`; a dynamically
///   linked one whose `PT_INTERP` loader is missing is an error.
/// - PE images (Windows platforms): the COFF machine.
/// - Executable `#!` scripts whose interpreter is missing: a warning.
/// - ELF or PE headers that are truncated or point outside their file: a warning.
public struct PlatformScan: Sendable {
    /// The summary of one platform: what was scanned and what was found.
    public struct Report: Sendable, Codable, Hashable {
        public var platform: String
        /// The architecture files were judged against ("linux/arm64 (AArch64)"); nil when none is known.
        public var expected: String?
        public var layers: Int
        public var filesScanned: Int
        public var elfFiles: Int
        public var peFiles: Int
        public var scripts: Int
        public var findings: [VerifyFinding]
    }

    public let platform: Platform

    public init(platform: Platform) { self.platform = platform }

    /// Applies `layers` (bottom first) and judges the result.
    public func scan(_ layers: [LayerSummary]) -> Report {
        var fs = LayerFilesystem()
        for layer in layers { fs.apply(layer) }
        return judge(fs, layerIssues: layers.flatMap { layer in layer.issues.map { (layer.digest, $0) } })
    }

    /// Judges a built filesystem.
    public func judge(_ fs: LayerFilesystem, layerIssues: [(Digest, LayerSummary.Issue)] = []) -> Report {
        let name = platform.formatted
        let isWindows = platform.normalized.os == "windows"
        let expected = ELFArchitecture.expected(for: platform)
        var report = Report(platform: name, expected: isWindows ? "\(name) (PE)" : expected?.name, layers: fs.layers.count,
                            filesScanned: 0, elfFiles: 0, peFiles: 0, scripts: 0, findings: [])
        for (digest, issue) in layerIssues {
            report.findings.append(.init(issue.severity, issue.kind, platform: name, path: issue.path, layer: digest.description, message: issue.message))
        }
        for issue in fs.issues {
            report.findings.append(.init(issue.severity, issue.kind, platform: name, path: issue.path, message: issue.message))
        }
        if expected == nil && !isWindows {
            report.findings.append(.init(.warning, .uncheckedPlatform, platform: name,
                                         message: "xarch knows no ELF architecture for \(name): its files were not judged"))
        }
        fs.forEachFile { path, record in
            guard case .file(let facts) = record.kind else { return }
            report.filesScanned += 1
            let layer = fs.layers[record.layer].description
            func add(_ severity: VerifyFinding.Severity, _ kind: VerifyFinding.Kind, _ message: String) {
                report.findings.append(.init(severity, kind, platform: name, path: path, layer: layer, message: message))
            }
            switch facts.content {
            case .plain:
                break
            case .elf(let elf):
                report.elfFiles += 1
                guard !isWindows, let expected else { return }
                for (severity, kind, message) in judgeELF(elf, path: path, layer: layer, expected: expected, fs: fs) {
                    add(severity, kind, message)
                }
            case .malformedELF(let reason):
                report.elfFiles += 1
                add(.warning, .malformedELF, "\(path) (layer \(layer)) starts like an ELF file but is malformed: \(reason)")
            case .pe(let pe):
                report.peFiles += 1
                guard isWindows, let mismatch = pe.check(for: platform) else { return }
                let severity: VerifyFinding.Severity = mismatch.kind == .compatibleArchitecture ? .warning : .error
                add(severity, .init(mismatch.kind), "\(path) (layer \(layer)) is a \(pe.description): \(mismatch.detail); expected \(name) (\(Self.peMachine(platform)))")
            case .malformedPE(let reason):
                report.peFiles += 1
                if isWindows { add(.warning, .malformedPE, "\(path) (layer \(layer)) starts like a PE file but is malformed: \(reason)") }
            case .script(let interpreter, let argument):
                report.scripts += 1
                if let problem = Self.missingInterpreter(interpreter, argument: argument, fs: fs) {
                    add(.warning, .missingInterpreter, "\(path) (layer \(layer)) is a script for \(problem), which is not in the image")
                }
            }
        }
        report.findings = Self.ordered(report.findings)
        return report
    }

    /// Errors first, then warnings; by path within each.
    static func ordered(_ findings: [VerifyFinding]) -> [VerifyFinding] {
        findings.enumerated().sorted { a, b in
            if a.element.severity != b.element.severity { return a.element.severity > b.element.severity }
            if (a.element.path ?? "") != (b.element.path ?? "") { return (a.element.path ?? "") < (b.element.path ?? "") }
            return a.offset < b.offset
        }.map(\.element)
    }

    static func peMachine(_ platform: Platform) -> String {
        switch platform.normalized.architecture {
        case "amd64": return "x86-64"
        case "arm64": return "ARM64"
        case "386": return "Intel 386"
        default: return platform.normalized.architecture
        }
    }
}
