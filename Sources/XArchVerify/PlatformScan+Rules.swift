import XArchModel

extension PlatformScan {
    /// The findings for one ELF file: architecture and ABI, then its loader.
    func judgeELF(_ elf: ELFHeader, path: String, layer: String, expected: ELFArchitecture,
                  fs: LayerFilesystem) -> [(VerifyFinding.Severity, VerifyFinding.Kind, String)] {
        // Object files and core dumps are data (cross toolchains, kernel modules): not run here.
        guard elf.type == ELFHeader.typeExecutable || elf.type == ELFHeader.typeShared else { return [] }
        var findings: [(VerifyFinding.Severity, VerifyFinding.Kind, String)] = []
        if let mismatch = expected.check(elf) {
            let severity: VerifyFinding.Severity = mismatch.kind == .compatibleArchitecture ? .warning : .error
            // For another architecture the description says it all; otherwise the detail names the ABI.
            let detail = mismatch.kind == .wrongArchitecture ? "" : ": \(mismatch.detail)"
            findings.append((severity, .init(mismatch.kind),
                             "\(path) (layer \(layer)) is \(elf.description)\(detail); expected \(expected.name)"))
        }
        if !elf.programHeadersRead {
            findings.append((.warning, .malformedELF, "\(path) (layer \(layer)): its program headers lie past the first \(LayerScanner.prefixLimit / 1024) KiB, so its loader was not checked"))
        }
        if let loader = elf.interpreter, !Self.isFile(loader, in: fs) {
            findings.append((.error, .missingLoader,
                             "\(path) (layer \(layer)) is dynamically linked, but its loader \(loader) is not in the image: running it fails with 'no such file or directory'"))
        }
        return findings
    }

    /// Whether `path` resolves (through symlinks) to a regular file.
    static func isFile(_ path: String, in fs: LayerFilesystem) -> Bool {
        if case .file = fs.record(at: path)?.kind { return true }
        return false
    }

    /// Directories of the default `PATH` of container runtimes (runc, containerd).
    static let defaultPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// What a script needs that is missing ("/usr/bin/python3", "python3 (through /usr/bin/env)"),
    /// or nil when its interpreter is there. `/usr/bin/env NAME` is followed to NAME on the PATH.
    static func missingInterpreter(_ interpreter: String, argument: String?, fs: LayerFilesystem) -> String? {
        guard interpreter.hasPrefix("/") else { return nil }  // relative interpreters depend on the working directory
        guard isFile(interpreter, in: fs) else { return interpreter }
        guard interpreter.hasSuffix("/env"), let argument else { return nil }
        // `env -S python3 -u` and `env python3`: the first word that is not an option or assignment.
        let words = argument.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let command = words.first(where: { !$0.hasPrefix("-") && !$0.contains("=") }) else { return nil }
        if command.contains("/") { return isFile(String(command), in: fs) ? nil : String(command) }
        let found = defaultPath.contains { isFile("\($0)/\(command)", in: fs) }
        return found ? nil : "\(command) (through \(interpreter), searched in \(defaultPath.joined(separator: ":")))"
    }
}
