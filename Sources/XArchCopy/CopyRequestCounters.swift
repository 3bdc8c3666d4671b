import XArchContent

/// The request counts of a copy's stores (`RequestCounting`), summed by method. Stores sharing one counter
/// (`requestCounterIdentity`) are counted once.
package struct CopyRequestCounters: Sendable {
    private let stores: [any RequestCounting]

    /// The counters of a copy's source and destination.
    package init(source: any ContentSource, destination: any ContentStore) {
        self.init(stores: [source, destination])
    }

    /// The counters of every store of `stores` that counts (index assembly reads from many sources).
    package init(stores all: [any ContentSource]) {
        var stores: [any RequestCounting] = []
        var seen: Set<ObjectIdentifier> = []
        for store in all {
            guard let counting = store as? any RequestCounting,
                  seen.insert(counting.requestCounterIdentity).inserted else { continue }
            stores.append(counting)
        }
        self.stores = stores
    }

    /// The counts so far, summed; nil when no store counts.
    package func snapshot() async -> [String: Int]? {
        guard !stores.isEmpty else { return nil }
        var total: [String: Int] = [:]
        for store in stores {
            total.merge(await store.requestCounts(), uniquingKeysWith: +)
        }
        return total
    }

    /// The requests sent since `before` (a `snapshot()`), by method; methods not used are left out.
    package func difference(since before: [String: Int]?) async -> [String: Int]? {
        guard let after = await snapshot() else { return nil }
        var sent: [String: Int] = [:]
        for (method, count) in after where count - (before?[method] ?? 0) > 0 {
            sent[method] = count - (before?[method] ?? 0)
        }
        return sent
    }
}
