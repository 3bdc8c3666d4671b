import XArchDockerfile
import XArchModel

/// Parsing of the values of `EXPOSE` and `HEALTHCHECK` into the config's forms.
enum ConfigValues {
    /// `EXPOSE 80`, `80/udp`, `8000-8002/tcp` → `80/tcp`, `80/udp`, `8000/tcp`, `8001/tcp`, `8002/tcp`
    /// (Dockerfile reference, EXPOSE: "TCP is the default"; ranges expand as Docker's `nat.ParsePortSpecs`).
    static func ports(_ spec: String, _ instruction: Instruction) throws -> [String] {
        let parts = spec.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let proto = parts.count == 2 ? parts[1].lowercased() : "tcp"
        guard ["tcp", "udp", "sctp"].contains(proto) else {
            throw instruction.fail("EXPOSE \(spec): the protocol must be tcp, udp or sctp")
        }
        let range = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard range.count <= 2, let low = Int(range[0]), let high = Int(range.last ?? range[0]),
              (0...65535).contains(low), (low...65535).contains(high) else {
            throw instruction.fail("EXPOSE \(spec) is not a port, port/protocol or port range")
        }
        return (low...high).map { "\($0)/\(proto)" }
    }

    /// `HEALTHCHECK NONE` or `HEALTHCHECK [--interval=D --timeout=D --start-period=D --start-interval=D
    /// --retries=N] CMD command` (Dockerfile reference, HEALTHCHECK), as Docker stores it: `Test` is
    /// `["NONE"]`, `["CMD", …]` (exec form) or `["CMD-SHELL", "command"]`; durations in nanoseconds.
    static func healthcheck(_ instruction: Instruction, shell: [String]) throws -> ContainerConfig.Healthcheck {
        try instruction.checkFlags(["interval", "timeout", "start-period", "start-interval", "retries"])
        guard let kind = instruction.arguments.first?.value.uppercased() else {
            throw instruction.fail("HEALTHCHECK requires NONE or CMD")
        }
        let rest = instruction.arguments.dropFirst().map(\.value)
        if kind == "NONE" {
            guard rest.isEmpty, instruction.flags.isEmpty else { throw instruction.fail("HEALTHCHECK NONE takes no arguments or flags") }
            return ContainerConfig.Healthcheck(test: ["NONE"])
        }
        guard kind == "CMD", !rest.isEmpty else { throw instruction.fail("HEALTHCHECK requires NONE or CMD followed by a command") }
        var check = ContainerConfig.Healthcheck()
        check.test = instruction.isJSON ? ["CMD"] + rest : ["CMD-SHELL", rest.joined(separator: " ")]
        check.interval = try durationFlag("interval", instruction)
        check.timeout = try durationFlag("timeout", instruction)
        check.startPeriod = try durationFlag("start-period", instruction)
        check.startInterval = try durationFlag("start-interval", instruction)
        if let retries = instruction.flag("retries")?.value {
            guard let n = Int(retries), n >= 0 else { throw instruction.fail("HEALTHCHECK --retries=\(retries) is not a number") }
            check.retries = n == 0 ? nil : n
        }
        return check
    }

    private static func durationFlag(_ name: String, _ instruction: Instruction) throws -> Int64? {
        guard let text = instruction.flag(name)?.value else { return nil }
        guard let nanoseconds = duration(text), nanoseconds >= 0 else {
            throw instruction.fail("HEALTHCHECK --\(name)=\(text) is not a duration such as 30s, 1m30s or 500ms")
        }
        guard nanoseconds == 0 || nanoseconds >= 1_000_000 else {
            throw instruction.fail("HEALTHCHECK --\(name)=\(text) is shorter than the 1ms minimum")
        }
        return nanoseconds == 0 ? nil : nanoseconds
    }

    /// A Go duration (`time.ParseDuration`): a sequence of decimal numbers with units
    /// `ns`, `us`, `µs`, `ms`, `s`, `m`, `h`; `0` alone is allowed. Nanoseconds, or nil when malformed.
    static func duration(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // Longest unit first, so "ms" is not read as "m".
            guard let unit = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        return total < 9.2e18 ? Int64(total.rounded()) : nil
    }
}
