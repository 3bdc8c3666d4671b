import XArchModel

/// How a project spells architectures, which decides how to derive the name from `TARGETARCH`; the
/// conventions and their spellings are `XArchModel`'s `ArchitectureNames`.
typealias ArchitectureNaming = ArchitectureNames.Convention

extension ArchitectureNames.Convention {
    /// How to produce this spelling from the build's platform variables.
    var fix: String {
        switch self {
        case .goarch:
            return "Declare `ARG TARGETARCH` in the stage and use ${TARGETARCH} in the name: it holds amd64, arm64, … for each platform."
        case .uname:
            return "Declare `ARG TARGETARCH` and map it to this naming: `case \"$TARGETARCH\" in amd64) ARCH=x86_64 ;; arm64) ARCH=aarch64 ;; *) echo \"unsupported: $TARGETARCH\" >&2; exit 1 ;; esac`, then use $ARCH."
        case .node:
            return "Declare `ARG TARGETARCH` and map it to this naming: `case \"$TARGETARCH\" in amd64) ARCH=x64 ;; *) ARCH=$TARGETARCH ;; esac`, then use $ARCH."
        case .debian:
            return "Use $(dpkg --print-architecture), which reports the target in a target stage, or declare `ARG TARGETARCH TARGETVARIANT` and map arm/v7 to armhf."
        case .generic:
            return "Declare `ARG TARGETARCH TARGETVARIANT` and build the name from ${TARGETARCH}${TARGETVARIANT}."
        }
    }
}

/// An architecture name found in a word.
struct ArchitectureToken: Sendable {
    /// As written: `x86_64`, `AMD64`.
    var text: String
    /// The platform architecture it means: `amd64`, `arm64`, `arm/v7`, `386`.
    var architecture: String
    var naming: ArchitectureNaming
    /// The index of its first character in the searched text.
    var offset: Int
}

/// Finding architecture names in text, with the spellings `ArchitectureNames.spellings` lists (where
/// `armel` is Debian's ARMv5TE port, `arm/v5`, not containerd's `arm/v6`: see `ArchitectureNames`).
extension ArchitectureNames {
    private static let operatingSystems: Set<String> = ["linux", "darwin", "windows", "freebsd", "netbsd", "openbsd", "macos"]

    /// Architecture names in `text` that stand alone: not preceded or followed by an ASCII letter or digit.
    static func find(in text: [Unicode.Scalar]) -> [ArchitectureToken] {
        var found: [ArchitectureToken] = []
        var i = 0
        while i < text.count {
            guard i == 0 || !text[i - 1].isASCIIAlphanumeric else { i += 1; continue }
            var matched = false
            for entry in spellings {
                let spelling = entry.text.scalars
                let end = i + spelling.count
                guard end <= text.count else { continue }
                guard zip(text[i..<end], spelling).allSatisfy({ lower($0.0) == $0.1 }) else { continue }
                guard end == text.count || !text[end].isASCIIAlphanumeric else { continue }
                if entry.needsOperatingSystem && !followsOperatingSystem(text, i) { continue }
                found.append(ArchitectureToken(text: text[i..<end].string, architecture: entry.architecture,
                                               naming: entry.convention, offset: i))
                i = end
                matched = true
                break
            }
            if !matched { i += 1 }
        }
        return found
    }

    private static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(c) ? Unicode.Scalar(c.value + 32)! : c
    }

    /// Whether the component before `index` (after one separator) is an OS name: `linux-` + `arm`.
    private static func followsOperatingSystem(_ text: [Unicode.Scalar], _ index: Int) -> Bool {
        guard index >= 2 else { return false }
        var start = index - 1
        while start > 0, text[start - 1].isASCIIAlphanumeric { start -= 1 }
        return operatingSystems.contains(text[start..<(index - 1)].map(lower).string)
    }
}

/// Words that name something fetched or installed: URLs, archive and package file names, apt's `arch=`.
enum DownloadWords {
    static let extensions = [".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz", ".tbz2", ".tar.zst", ".tar", ".zip",
                             ".deb", ".rpm", ".apk", ".whl", ".jar", ".gz", ".xz", ".bz2", ".zst", ".appimage", ".bin",
                             ".run", ".msi", ".exe", ".pkg", ".dmg", ".so", ".sh"]

    /// The words of shell text (split at blanks, quotes and shell punctuation) with their offsets.
    static func words(_ text: [Unicode.Scalar]) -> [(String, Int)] {
        var words: [(String, Int)] = []
        var start: Int?
        for (i, c) in text.enumerated() {
            let separator = c.isGoSpace || "\"'`;|&()<>[]".unicodeScalars.contains(c)
            if separator {
                if let s = start { words.append((text[s..<i].string, s)) }
                start = nil
            } else if start == nil {
                start = i
            }
        }
        if let s = start { words.append((text[s...].string, s)) }
        return words
    }

    /// Whether a word names a download or an installable file.
    static func isCandidate(_ word: String) -> Bool {
        if word.contains("://") { return true }
        let lowered = word.lowercased()
        if lowered.hasPrefix("arch=") { return true }
        return extensions.contains { lowered.hasSuffix($0) } && lowered.count > 4
    }
}
