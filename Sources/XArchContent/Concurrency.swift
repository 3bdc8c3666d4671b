/// Bounded fan-out: the one concurrent map of xarch (copy walks, index assembly, verification, layer
/// writing).
public enum BoundedConcurrency {
    /// `transform` applied to every item of `items`, at most `limit` (at least 1) at once.
    ///
    /// Results come back in the order of `items` (input order), whatever order the work finishes in.
    /// The first error cancels the work still running and is thrown.
    public static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], limit: Int, _ transform: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: items.count)
            var next = 0
            func start(_ i: Int) { group.addTask { (i, try await transform(items[i])) } }
            while next < min(max(1, limit), items.count) { start(next); next += 1 }
            while let (i, result) = try await group.next() {
                results[i] = result
                if next < items.count { start(next); next += 1 }
            }
            return results.compactMap { $0 }
        }
    }
}
