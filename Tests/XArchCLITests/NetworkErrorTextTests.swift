import Foundation
import Testing
import XArchTestSupport

/// Library error texts never reach users as such (issue 18): NIO's "DNS error:
/// SocketAddressError.UnknownHost: …" becomes one sentence naming the host and the fix.
@Suite("network errors in plain words")
struct NetworkErrorTextTests {
    /// `.invalid` never resolves (RFC 6761 §6.4); without any DNS the lookup fails too. Run as a process
    /// of its own: NIO queues the lookups of an event loop one after another, so a slow DNS answer here
    /// would hold up the connections of every other test in this process (seen: a 45 s stall of the
    /// whole suite). RES_OPTIONS bounds glibc's resolver.
    @Test func aHostThatDoesNotResolveIsNamed() async throws {
        let xarch = try Executables.find("xarch", override: "XARCH_EXECUTABLE")
        let r = try await ProcessRun.run(xarch, ["inspect", "no-such-host.invalid/x"], environment: ["RES_OPTIONS": "timeout:2 attempts:1"])
        #expect(r.code == 1)
        #expect(r.stderr == "xarch: cannot reach no-such-host.invalid: the name no-such-host.invalid does not resolve (DNS); check the registry name and the network\n", "\(r.stderr)")
    }
}
