import Foundation
import Testing
import XArchTestSupport

/// Registries on loopback that answer what no HTTP server should (issue 18): the command fails with
/// one line and exit 1, never a trap inside the HTTP library.
@Suite("hostile registry answers")
struct HostileRegistryTests {
    /// async-http-client treats a head below 200 as informational and traps on the body after it
    /// (RFC 9110 §15: valid codes are 100–599).
    @Test(arguments: ["000", "099", "007", "600", "999"])
    func aStatusOutsideHTTPsRangeIsRefused(code: String) async throws {
        let server = try RawHTTPServer(answer: "HTTP/1.1 \(code) Nope\r\nContent-Length: 5\r\n\r\nhello")
        defer { server.stop() }
        let r = await CLIRun.run("inspect", "127.0.0.1:\(server.port)/x")
        #expect(r.code == 1, "\(r.stderr)")
        let status = Int(code)!
        #expect(r.stderr == "xarch: 127.0.0.1:\(server.port) answered with the invalid HTTP status \(status) (valid codes are 100–599); is it a registry?\n")
        #expect(server.requests == 1, "not retried: the server does not speak HTTP")
    }

    @Test func aStatusWithoutABodyIsRefusedToo() async throws {
        let server = try RawHTTPServer(answer: "HTTP/1.1 000 \r\n\r\n")
        defer { server.stop() }
        let r = await CLIRun.run("inspect", "127.0.0.1:\(server.port)/x")
        #expect(r.code == 1, "\(r.stderr)")
        #expect(r.stderr.contains("invalid HTTP status 0 "))
    }

    /// A redirect to a URL xarch cannot send to is refused with a sentence naming it — once the path by
    /// which async-http-client's `unsupportedScheme("file")` reached users as "request to  failed".
    @Test(arguments: [("file:///etc/passwd", "only http and https are followed"), ("http:///x", "names no host")])
    func aRedirectOutOfHTTPIsASentence(location: String, says: String) async throws {
        let server = try RawHTTPServer(answer: "HTTP/1.1 307 Temporary Redirect\r\nLocation: \(location)\r\nContent-Length: 0\r\n\r\n")
        defer { server.stop() }
        let r = await CLIRun.run("inspect", "127.0.0.1:\(server.port)/x")
        #expect(r.code == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("xarch: 127.0.0.1:\(server.port) redirected"), "\(r.stderr)")
        #expect(r.stderr.contains(says), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!r.stderr.contains("unsupportedScheme") && !r.stderr.contains("request to  "))
    }
}
