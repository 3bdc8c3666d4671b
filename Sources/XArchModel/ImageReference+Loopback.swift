extension ImageReference {
    /// Whether `registry` (`host[:port]`) names a loopback host: `localhost` in any case, a dotted-quad
    /// IPv4 address in 127.0.0.0/8 (RFC 1122 §3.2.1.3), or the IPv6 loopback address `::1` in brackets,
    /// in any of its spellings (RFC 4291 §2.5.3). Host names that merely resolve to loopback do not count.
    static func isLoopbackRegistry(_ registry: String) -> Bool {
        if registry.hasPrefix("[") {
            guard let close = registry.firstIndex(of: "]") else { return false }
            let inside = registry[registry.index(after: registry.startIndex)..<close]
            return ipv6Groups(inside) == [0, 0, 0, 0, 0, 0, 0, 1]
        }
        let host = registry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        if host.lowercased() == "localhost" { return true }
        guard let octets = ipv4Octets(host) else { return false }
        return octets[0] == 127
    }

    /// The four octets of a dotted-quad IPv4 address, or `nil`.
    static func ipv4Octets(_ host: Substring) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.unicodeScalars.allSatisfy(Grammar.isDigit),
                  let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        return octets
    }

    /// The eight 16-bit groups of an IPv6 address in hex-and-colon form (at most one `::`), or `nil`.
    static func ipv6Groups(_ text: Substring) -> [UInt16]? {
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var values: [UInt16] = []
            for field in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(field.count), let value = UInt16(field, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        guard let gap = text.firstRange(of: "::") else {
            guard let all = groups(text), all.count == 8 else { return nil }
            return all
        }
        guard let head = groups(text[..<gap.lowerBound]), let tail = groups(text[gap.upperBound...]),
              head.count + tail.count <= 7 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}
