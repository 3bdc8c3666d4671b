import Foundation
import Testing
import XArchModel
@testable import XArchRegistry

/// Counts fetches, can hold them until released, and can be told to fail.
actor CountingFetcher {
    private(set) var count = 0
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    var failures = 0
    let lifetime: TimeInterval
    let clock: AuthTestClock

    init(clock: AuthTestClock, lifetime: TimeInterval = 300, holding: Bool = false) {
        self.clock = clock
        self.lifetime = lifetime
        self.held = holding
    }

    func fetch(_ key: TokenKey) async throws -> CachedToken {
        count += 1
        let number = count
        if held { await withCheckedContinuation { waiters.append($0) } }
        if failures > 0 {
            failures -= 1
            throw XArchError(.authentication, "token server said no (\(number))")
        }
        return CachedToken(token: "token-\(number)", expiresAt: clock.now.addingTimeInterval(lifetime))
    }

    func release() {
        held = false
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }

    func failNext(_ n: Int) { failures = n }
}

private let key = TokenKey(registry: "ghcr.io", service: "ghcr.io", scopes: [.repository("o/r", actions: [.pull])])

private func makeCache(_ fetcher: CountingFetcher, _ clock: AuthTestClock) -> TokenCache {
    TokenCache(now: { clock.now }, fetch: { try await fetcher.fetch($0) })
}

/// Waits until `condition` holds, yielding meanwhile; fails after a generous bound.
private func eventually(_ condition: () async -> Bool) async throws {
    for _ in 0..<2000 {
        if await condition() { return }
        try await Task.sleep(nanoseconds: 5_000_000)
    }
    Issue.record("condition never became true")
}

@Test func fiftyConcurrentCallersShareOneFetch() async throws {
    let clock = AuthTestClock()
    let fetcher = CountingFetcher(clock: clock, holding: true)
    let cache = makeCache(fetcher, clock)
    try await withThrowingTaskGroup(of: String.self) { group in
        for _ in 0..<50 { group.addTask { try await cache.token(for: key).token } }
        try await eventually { await cache.waiting[key] == 50 }
        await fetcher.release()
        var tokens: [String] = []
        for try await token in group { tokens.append(token) }
        #expect(tokens == Array(repeating: "token-1", count: 50))
    }
    #expect(await fetcher.count == 1)
    #expect(await cache.waiting.isEmpty)
    #expect(try await cache.token(for: key).token == "token-1")
    #expect(await fetcher.count == 1)
}

@Test func differentKeysFetchSeparately() async throws {
    let clock = AuthTestClock()
    let fetcher = CountingFetcher(clock: clock)
    let cache = makeCache(fetcher, clock)
    let other = TokenKey(registry: "ghcr.io", service: "ghcr.io", scopes: [.repository("o/r", actions: [.pull, .push])])
    #expect(try await cache.token(for: key).token == "token-1")
    #expect(try await cache.token(for: other).token == "token-2")
    #expect(try await cache.token(for: key).token == "token-1")
    #expect(await fetcher.count == 2)
}

@Test func expiredTokenIsFetchedAgain() async throws {
    let clock = AuthTestClock()
    let fetcher = CountingFetcher(clock: clock, lifetime: 60)
    let cache = makeCache(fetcher, clock)
    #expect(try await cache.token(for: key).token == "token-1")
    clock.advance(59)
    #expect(try await cache.token(for: key).token == "token-1")
    #expect(await cache.cachedToken(for: key)?.token == "token-1")
    clock.advance(1)
    #expect(await cache.cachedToken(for: key) == nil)
    #expect(try await cache.token(for: key).token == "token-2")
    #expect(await fetcher.count == 2)
}

@Test func alreadyExpiredFetchIsStillReturned() async throws {
    let clock = AuthTestClock()
    let fetcher = CountingFetcher(clock: clock, lifetime: -1)
    let cache = makeCache(fetcher, clock)
    #expect(try await cache.token(for: key).token == "token-1")
    #expect(try await cache.token(for: key).token == "token-2")
}

@Test func invalidationForcesRefetch() async throws {
    let clock = AuthTestClock()
    let fetcher = CountingFetcher(clock: clock)
    let cache = makeCache(fetcher, clock)
    #expect(try await cache.token(for: key).token == "token-1")
    await cache.invalidate(key)
    #expect(try await cache.token(for: key).token == "token-2")
    await cache.invalidate(key, ifToken: "token-1")
    #expect(try await cache.token(for: key).token == "token-2")
    await cache.invalidate(key, ifToken: "token-2")
    #expect(try await cache.token(for: key).token == "token-3")
    await cache.removeAll()
    #expect(try await cache.token(for: key).token == "token-4")
    #expect(await fetcher.count == 4)
}

@Test func failedFetchIsNotCachedAndIsSharedByItsWaiters() async throws {
    let clock = AuthTestClock()
    let fetcher = CountingFetcher(clock: clock, holding: true)
    await fetcher.failNext(1)
    let cache = makeCache(fetcher, clock)
    await withTaskGroup(of: Bool.self) { group in
        for _ in 0..<10 {
            group.addTask { (try? await cache.token(for: key)) == nil }
        }
        try? await eventually { await cache.waiting[key] == 10 }
        await fetcher.release()
        for await failed in group { #expect(failed) }
    }
    #expect(await fetcher.count == 1)
    #expect(await cache.cachedToken(for: key) == nil)
    #expect(try await cache.token(for: key).token == "token-2")
    #expect(await fetcher.count == 2)
}

@Test func failureErrorReachesTheCaller() async throws {
    let clock = AuthTestClock()
    let fetcher = CountingFetcher(clock: clock)
    await fetcher.failNext(1)
    let cache = makeCache(fetcher, clock)
    await #expect(throws: XArchError.self) { _ = try await cache.token(for: key) }
    #expect(try await cache.token(for: key).token == "token-2")
}

@Test func cachedTokenFromResponseAndDescriptionHidesToken() {
    let received = Date(timeIntervalSince1970: 1000)
    let cached = CachedToken(TokenResponse(token: "SECRET", expiresIn: 100, refreshToken: "SECRET-R"), receivedAt: received)
    #expect(cached.expiresAt == received.addingTimeInterval(90))
    #expect(cached.refreshToken == "SECRET-R")
    var dumped = ""
    dump(cached, to: &dumped)
    #expect(!"\(cached)".contains("SECRET"))
    #expect(!dumped.contains("SECRET"))
}
