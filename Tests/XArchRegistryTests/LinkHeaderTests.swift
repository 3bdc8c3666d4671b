import Testing
@testable import XArchRegistry

@Suite("Link header pagination (RFC 8288)")
struct LinkHeaderTests {
    @Test(arguments: [
        (["</v2/x/tags/list?n=2&last=b>; rel=\"next\""], "/v2/x/tags/list?n=2&last=b"),
        (["</v2/x/tags/list?last=b&n=2>;rel=next"], "/v2/x/tags/list?last=b&n=2"),
        (["<https://r.example/v2/x/tags/list?last=b>; rel=\"prev\", <https://r.example/v2/x/tags/list?last=d>; rel=\"next\""],
         "https://r.example/v2/x/tags/list?last=d"),
        (["<a>; rel=\"prev\"", "<b>; rel=\"next\""], "b"),
        (["<a>; rel=\"prev\""], nil),
        (["no angle brackets; rel=next"], nil),
        ([], nil),
    ] as [([String], String?)])
    func findsTheNextPage(headers: [String], next: String?) {
        #expect(RegistryClient.nextLink(headers) == next)
    }
}
