/// Parsing of platform specifiers, following containerd's `platforms.Parse`.
extension Platform {
    /// Parses a platform specifier the way containerd's `platforms.Parse` does.
    ///
    /// Grammar: `<os>[(<os options>)]`, `<arch>` or `<os>[(<os options>)]/<arch>[/<variant>]`,
    /// where `<os options>` is `[<os.version>][+<os.feature>]*`, e.g.
    /// `windows(10.0.17763+win32k)/amd64` or `linux(+gpu)/arm64`. Inside the parentheses `%XX`
    /// escapes decode (`%2B` is a literal `+`), as `formattedAll` writes them.
    ///
    /// - `os/arch`: the architecture is normalized (`aarch64` → `arm64`, `armel` → `arm` + `v6`)
    ///   and arm's default variant `v7` is left out, so `linux/arm` and `linux/armhf` both give
    ///   `linux/arm`. The pair need not be known.
    /// - `os/arch/variant`: normalized; an arm64 variant that normalizes away is kept as `v8`.
    /// - A single word that is a known OS (see `knownOperatingSystems`, after `macos` → `darwin`)
    ///   gets `defaultArchitecture`/`defaultVariant` (containerd uses the host's GOARCH and, on arm,
    ///   the CPU variant; this pure module takes them as parameters). The pair is normalized and
    ///   arm's `v7` left out, as containerd does.
    /// - Any other single word must be a known architecture (see `knownArchitectures`) after
    ///   normalization, and the OS is `linux` (containerd uses the host's GOOS).
    ///
    /// The OS name may contain ASCII letters, digits, `_` and `-`; the other components may also
    /// contain `.`. The OS is lower-cased and `macos` becomes `darwin`.
    ///
    /// - Throws: `XArchError` with code `.invalidInput` and a message naming the specifier, for an
    ///   empty specifier, wildcards, characters outside those classes, malformed `%` escapes,
    ///   an unknown single word, or more than three components.
    public init(parsing specifier: String, defaultArchitecture: String = "amd64",
                defaultVariant: String = "") throws {
        if specifier.contains("*") {
            throw Platform.parseError(specifier, "wildcards are not supported")
        }
        let parts = specifier.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        let head = try Platform.parseOSComponent(parts[0], specifier: specifier)
        for part in parts.dropFirst() where !Platform.isValidComponent(part) {
            throw Platform.parseError(specifier, "component \(String(part).debugDescription) must be non-empty and "
                + "contain only ASCII letters, digits, '_', '.' and '-'")
        }
        var platform = Platform(os: head.os, architecture: "", osVersion: head.version,
                                osFeatures: head.features)
        switch parts.count {
        case 1:
            try platform.completeSingleWord(String(parts[0]), specifier: specifier,
                                            defaultArchitecture: defaultArchitecture,
                                            defaultVariant: defaultVariant)
        case 2:
            (platform.architecture, platform.variant) = Platform.normalizedArchitecture(
                String(parts[1]), variant: "")
            platform.dropDefaultArmVariant()
        case 3:
            (platform.architecture, platform.variant) = Platform.normalizedArchitecture(
                String(parts[1]), variant: String(parts[2]))
            if platform.architecture == "arm64" && platform.variant.isEmpty {
                platform.variant = "v8"
            }
        default:
            throw Platform.parseError(specifier, "expected at most three components, os/arch/variant")
        }
        self = platform
    }

    /// Fills in the single-word case: a known OS gets the default architecture, a known
    /// architecture gets `linux`.
    private mutating func completeSingleWord(_ word: String, specifier: String,
                                             defaultArchitecture: String,
                                             defaultVariant: String) throws {
        if Platform.knownOperatingSystems.contains(os) {
            (architecture, variant) = Platform.normalizedArchitecture(
                defaultArchitecture, variant: defaultVariant)
            dropDefaultArmVariant()
            return
        }
        let (arch, archVariant) = Platform.normalizedArchitecture(word, variant: "")
        guard Platform.knownArchitectures.contains(arch) else {
            throw Platform.parseError(specifier,
                                      "\(word.debugDescription) is neither a known operating system nor a known architecture")
        }
        self = Platform(os: "linux", architecture: arch, variant: archVariant)
        dropDefaultArmVariant()
    }

    /// containerd leaves arm's most common variant, v7, out of parsed specifiers.
    private mutating func dropDefaultArmVariant() {
        if architecture == "arm" && variant == "v7" {
            variant = ""
        }
    }

    /// Parses `<name>[(<version>[+<feature>]*)]` (containerd's `osRe`) and decodes the options.
    private static func parseOSComponent(_ part: Substring, specifier: String) throws
        -> (os: String, version: String, features: [String])
    {
        let bytes = Array(part.utf8)
        let nameEnd = bytes.firstIndex { !isOSNameByte($0) } ?? bytes.count
        guard nameEnd > 0 else {
            throw parseError(specifier, "the OS component \(String(part).debugDescription) must start with a name of "
                + "ASCII letters, digits, '_' or '-'")
        }
        let name = normalizedOS(String(decoding: bytes[..<nameEnd], as: UTF8.self))
        if nameEnd == bytes.count {
            return (name, "", [])
        }
        guard bytes[nameEnd] == UInt8(ascii: "("), bytes.last == UInt8(ascii: ")"),
              bytes.count - nameEnd >= 2 else {
            throw parseError(specifier, "the OS component \(String(part).debugDescription) must be NAME or "
                + "NAME(VERSION+FEATURE...)")
        }
        let options = bytes[(nameEnd + 1)..<(bytes.count - 1)]
        let fields = options.split(separator: UInt8(ascii: "+"), omittingEmptySubsequences: false)
        let rawVersion = fields[0]
        let rawFeatures = fields.dropFirst()
        guard rawVersion.allSatisfy(isOSOptionByte),
              rawFeatures.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isOSOptionByte) }) else {
            throw parseError(specifier, "the OS options in \(String(part).debugDescription) may contain only ASCII "
                + "letters, digits, '_', '.', '-' and '%' escapes, with '+' before each feature")
        }
        let version = try decodeOSOption(rawVersion, specifier: specifier)
        let features = try rawFeatures.map { try decodeOSOption($0, specifier: specifier) }
        return (name, version, features)
    }

    /// Decodes `%XX` escapes in an OS option (Go's `url.PathUnescape`, as containerd uses it).
    private static func decodeOSOption(_ raw: ArraySlice<UInt8>, specifier: String) throws -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            guard byte == UInt8(ascii: "%") else {
                decoded.append(byte)
                index += 1
                continue
            }
            guard index + 2 < raw.endIndex,
                  let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2]) else {
                throw parseError(specifier, "the OS option \(String(decoding: raw, as: UTF8.self).debugDescription) "
                    + "has a '%' that is not followed by two hex digits")
            }
            decoded.append(high << 4 | low)
            index += 3
        }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            throw parseError(specifier, "the OS option \(String(decoding: raw, as: UTF8.self).debugDescription) "
                + "decodes to bytes that are not UTF-8")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// containerd's `specifierRe`, `^[A-Za-z0-9_.-]+$`.
    private static func isValidComponent(_ part: Substring) -> Bool {
        !part.isEmpty && part.utf8.allSatisfy { isOSNameByte($0) || $0 == UInt8(ascii: ".") }
    }

    private static func isOSNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func isOSOptionByte(_ byte: UInt8) -> Bool {
        isOSNameByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "%")
    }

    private static func parseError(_ specifier: String, _ reason: String) -> XArchError {
        if specifier.isEmpty {
            return XArchError(.invalidInput,
                              "Invalid platform \"\": the specifier is empty; use os/arch[/variant], e.g. linux/amd64.")
        }
        return XArchError(.invalidInput, "Invalid platform \(specifier.debugDescription): \(reason).")
    }
}
