import Testing

/// Library error texts never reach users as such (issue 18): NIO's "DNS error:
/// SocketAddressError.UnknownHost: …" becomes one sentence naming the host and the fix.
@Suite("network errors in plain words")
struct NetworkErrorTextTests {
    /// `.invalid` never resolves (RFC 6761 §6.4); without any DNS the lookup fails too.
    @Test func aHostThatDoesNotResolveIsNamed() async {
        let r = await CLIRun.run("inspect", "no-such-host.invalid/x")
        #expect(r.code == 1)
        #expect(r.stderr == "xarch: cannot reach no-such-host.invalid: the name no-such-host.invalid does not resolve (DNS); check the registry name and the network\n", "\(r.stderr)")
    }
}
