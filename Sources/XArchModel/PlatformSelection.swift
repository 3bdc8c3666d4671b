/// Choosing the entry of an index that a host would pull, and saying why, for every entry.
///
/// Mirrors containerd's `images.Manifest`: entries whose platform the matcher accepts are candidates,
/// ordered by the matcher's preference, then by `os.features` (more first) or a Windows host's
/// `os.version` (newer first), ties broken by index order; entries without a `platform` come
/// last and are judged by their config's platform when it is known. Attestation entries are never
/// candidates.
public struct PlatformSelection: Sendable {
    /// One index entry as the selection saw it.
    public struct Candidate: Sendable, Hashable, Codable {
        public var position: Int
        public var descriptor: Descriptor
        /// The platform judged: the descriptor's, else the config's; nil when neither is known.
        public var platform: Platform?
        /// Where `platform` was read.
        public var platformSource: PlatformSource
        public var accepted: Bool
        /// Place in the final order among accepted entries (1 is the one pulled); nil when rejected.
        public var rank: Int?
        public var reason: String
    }

    /// Every entry considered, in index order.
    public let candidates: [Candidate]

    /// The accepted entries, best first.
    public var ranked: [Candidate] {
        candidates.filter(\.accepted).sorted { ($0.rank ?? .max) < ($1.rank ?? .max) }
    }

    /// The entry a host of the requested platform would pull.
    public var chosen: Candidate? { ranked.first }

    /// Judges `entries` (with the config platform of entries that have none, when known).
    public init(entries: [IndexEntries.Entry], configPlatforms: [Digest: Platform] = [:],
                requested: Platform, matcher: PlatformMatcher) {
        var judged: [(Candidate, preference: Int?)] = []
        for entry in entries {
            let (platform, source) = PlatformSource.platform(of: entry.descriptor, config: configPlatforms[entry.descriptor.digest])
            let fromDescriptor = source == .descriptor ? platform : nil
            var candidate = Candidate(position: entry.position, descriptor: entry.descriptor, platform: platform,
                                      platformSource: source, accepted: false, rank: nil, reason: "")
            guard let platform else {
                candidate.reason = "no platform in the descriptor and its config could not be read"
                judged.append((candidate, nil))
                continue
            }
            if let preference = matcher.rank(platform) {
                candidate.accepted = true
                candidate.reason = Self.acceptance(platform, requested: requested, preference: preference,
                                                   fromConfig: fromDescriptor == nil)
                // Entries without a platform of their own come after every entry that has one.
                judged.append((candidate, fromDescriptor == nil ? Int.max / 2 + preference : preference))
            } else {
                candidate.reason = Self.rejection(platform, requested: requested)
                judged.append((candidate, nil))
            }
        }
        // containerd's stable sort with `MatchComparer.Less`: by preference, then (at equal preference)
        // the entry declaring more os.features (all of which the host has) first, or for a Windows host
        // the newer os.version; then index order.
        let order = judged.enumerated()
            .compactMap { i, j in j.preference.map { (i, $0, j.0.position) } }
            .sorted { a, b in
                if a.1 != b.1 { return a.1 < b.1 }
                if let pa = judged[a.0].0.platform, let pb = judged[b.0].0.platform {
                    if matcher.isPreferred(pa, over: pb) { return true }
                    if matcher.isPreferred(pb, over: pa) { return false }
                }
                return a.2 < b.2
            }
        var result = judged.map(\.0)
        for (rank, item) in order.enumerated() { result[item.0].rank = rank + 1 }
        candidates = result
    }

    static func acceptance(_ p: Platform, requested: Platform, preference: Int, fromConfig: Bool) -> String {
        let suffix = fromConfig ? " (platform from its config)" : ""
        if p.normalized == requested.normalized || preference == 0 { return "exact match" + suffix }
        return "compatible: a \(requested.formatted) host also runs \(p.formatted) (preference #\(preference + 1))" + suffix
    }

    /// One sentence saying why `p` is not for a host of platform `requested`.
    static func rejection(_ p: Platform, requested: Platform) -> String {
        let p = p.normalized, r = requested.normalized
        if p.os != r.os { return "OS \(p.os.isEmpty ? "(none)" : p.os) is not the host's \(r.os)" }
        if p.architecture != r.architecture {
            return "architecture \(p.architecture.isEmpty ? "(none)" : p.architecture) does not run on a \(r.formatted) host"
        }
        if p.variant != r.variant {
            return "variant \(p.variant.isEmpty ? "(none)" : p.variant) does not run on a \(r.formatted) host"
        }
        if !p.osVersion.isEmpty, !r.osVersion.isEmpty, p.osVersion != r.osVersion {
            return "OS version \(p.osVersion) is not compatible with \(r.osVersion)"
        }
        let missing = Set(p.osFeatures).subtracting(r.osFeatures)
        if !missing.isEmpty { return "needs OS features \(missing.sorted().joined(separator: ",")) the host does not offer" }
        return "not accepted by the matcher"
    }
}
