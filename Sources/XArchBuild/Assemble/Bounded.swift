/// Runs work items in a task group with at most `limit` running at once; the first error cancels the
/// rest and is thrown.
enum Bounded {
    static func map<Item: Sendable, Result: Sendable>(_ items: [Item], limit: Int,
                                                      _ body: @escaping @Sendable (Item) async throws -> Result) async throws -> [Result] {
        try await withThrowingTaskGroup(of: Result.self) { group in
            var pending = items[...]
            for _ in 0..<max(1, limit) {
                guard let item = pending.popFirst() else { break }
                group.addTask { try await body(item) }
            }
            var results: [Result] = []
            while let result = try await group.next() {
                results.append(result)
                if let item = pending.popFirst() { group.addTask { try await body(item) } }
            }
            return results
        }
    }

    static func forEach<Item: Sendable>(_ items: [Item], limit: Int,
                                        _ body: @escaping @Sendable (Item) async throws -> Void) async throws {
        _ = try await map(items, limit: limit, body)
    }
}
