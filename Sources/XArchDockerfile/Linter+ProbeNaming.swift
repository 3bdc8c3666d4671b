import XArchModel

/// `arch-probe-naming`: the output of `uname -m` or `dpkg --print-architecture` used as if it had
/// another convention's names (GOARCH, Docker platforms, case arms that can never match).
extension LintContext {
    /// A probe as it appears in shell text, and what it prints for the architectures whose names differ.
    struct ProbeForm {
        var text: String
        var probe: String
        /// Name another convention uses → what this probe prints instead.
        var differing: [String: String]
    }

    private static let unameNames = ["amd64": "x86_64", "arm64": "aarch64"]
    private static let debianNames = ["x86_64": "amd64", "aarch64": "arm64"]
    static let probeForms: [ProbeForm] = [
        ProbeForm(text: "$(uname -m)", probe: "uname -m", differing: unameNames),
        ProbeForm(text: "`uname -m`", probe: "uname -m", differing: unameNames),
        ProbeForm(text: "$(uname --machine)", probe: "uname --machine", differing: unameNames),
        ProbeForm(text: "$(arch)", probe: "arch", differing: unameNames),
        ProbeForm(text: "$(apk --print-arch)", probe: "apk --print-arch", differing: unameNames),
        ProbeForm(text: "$(dpkg --print-architecture)", probe: "dpkg --print-architecture", differing: debianNames),
        ProbeForm(text: "`dpkg --print-architecture`", probe: "dpkg --print-architecture", differing: debianNames),
    ]

    func probeNamingFindings() -> [Finding] {
        stages.stages.flatMap { stage in
            stage.instructions.filter { $0.command == "run" }.compactMap { instruction in
                texts(of: instruction).lazy.compactMap { self.probeNaming(in: $0, instruction) }.first
            }
        }
    }

    /// The expressions that hold a probe's output in `text`: the probe itself, and `$VAR`/`${VAR}` for a
    /// variable assigned from it once (a second assignment is taken for a mapping).
    private func probeExpressions(in text: String) -> [(String, ProbeForm)] {
        var expressions: [(String, ProbeForm)] = []
        let scalars = text.scalars
        for form in Self.probeForms where text.contains(form.text) {
            expressions.append((form.text, form))
            let needle = form.text.scalars
            var i = 0
            while i + needle.count <= scalars.count {
                defer { i += 1 }
                guard Array(scalars[i..<(i + needle.count)]) == needle else { continue }
                var j = i - 1
                if j >= 0, scalars[j] == "\"" { j -= 1 }
                guard j >= 1, scalars[j] == "=" else { continue }
                var k = j
                while k > 0, scalars[k - 1] == "_" || scalars[k - 1].isASCIIAlphanumeric { k -= 1 }
                let name = scalars[k..<j].string
                guard !name.isEmpty, text.components(separatedBy: name + "=").count == 2 else { continue }
                expressions += [("$" + name, form), ("${" + name + "}", form), ("\"$" + name + "\"", form)]
            }
        }
        return expressions
    }

    private func probeNaming(in text: String, _ instruction: Instruction) -> Finding? {
        let expressions = probeExpressions(in: text)
        guard !expressions.isEmpty else { return nil }
        func finding(_ use: String, _ form: ProbeForm, at piece: String) -> Finding {
            let prints = form.differing.sorted { $0.key < $1.key }.map { "\($0.value) for \($0.key)" }.joined(separator: " and ")
            return LintRules.archProbeNaming.finding((use, form.probe, prints), file: file, at: locate(piece, in: instruction))
        }
        for (expression, form) in expressions {
            for prefix in ["GOARCH=", "GOARCH=\"", "--platform=linux/", "--platform linux/", "--platform=\"linux/"]
            where text.contains(prefix + expression) {
                return finding("`\(prefix + expression)`", form, at: prefix + expression)
            }
        }
        for statement in ShellCase.all(in: text) {
            let subject = statement.subject.trimmingQuotes
            guard let (_, form) = expressions.first(where: { $0.0 == subject }) else { continue }
            let patterns = Set(statement.arms.flatMap(\.patterns).map { $0.lowercased().trimmingCharacters(in: ["*"]) })
            for (other, printed) in form.differing.sorted(by: { $0.key < $1.key })
            where patterns.contains(other) && !patterns.contains(printed) {
                return finding("the case arm `\(other))` on \(statement.subject)", form, at: other)
            }
        }
        return nil
    }
}
