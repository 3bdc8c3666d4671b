import Testing
import XArchContent
@testable import XArchRegistry

/// The redirect layer's rules, on scripted answers (a transport double, not a registry).
@Suite("redirects: credentials stay home, no downgrade")
struct RedirectTransportTests {
    /// Answers each request with the next scripted response and records what it was sent.
    final class Script: RegistryTransport, @unchecked Sendable {
        var answers: [(Int, [(String, String)])]
        var seen: [RegistryRequest] = []
        init(_ answers: [(Int, [(String, String)])]) { self.answers = answers }
        func send(_ request: RegistryRequest) async throws -> RegistryResponse {
            seen.append(request)
            let (status, headers) = answers.removeFirst()
            return RegistryResponse(status: status, headers: headers, body: ByteStream(bytes: []), url: request.url)
        }
    }

    static func request(_ url: String) -> RegistryRequest {
        RegistryRequest(method: "GET", url: url, headers: [("Authorization", "Bearer secret")])
    }

    @Test func authorizationIsDroppedForAnotherHostAndKeptForTheSameOne() async throws {
        let script = Script([(307, [("Location", "/v2/x/blobs/b")]),
                             (302, [("Location", "https://storage.example/blob?sig=1")]),
                             (200, [])])
        let response = try await RedirectTransport(script).send(Self.request("https://registry.example/v2/x/blobs/a"))
        #expect(response.status == 200)
        #expect(script.seen.count == 3)
        #expect(script.seen[1].header("Authorization") == "Bearer secret", "same host keeps it")
        #expect(script.seen[1].url == "https://registry.example/v2/x/blobs/b")
        #expect(script.seen[2].header("Authorization") == nil, "another host never gets it")
        #expect(script.seen[2].url == "https://storage.example/blob?sig=1")
    }

    @Test func anotherPortIsAnotherHost() async throws {
        let script = Script([(307, [("Location", "http://127.0.0.1:6000/x")]), (200, [])])
        _ = try await RedirectTransport(script).send(Self.request("http://127.0.0.1:5000/v2/x"))
        #expect(script.seen[1].header("Authorization") == nil)
    }

    /// A registry may not steer xarch to a port the socket layer cannot take (it traps on them), nor to
    /// another scheme.
    @Test(arguments: ["http://127.0.0.1:99999/x", "http://127.0.0.1:0/x", "file:///etc/passwd", "http:///x"])
    func redirectsOutsideHTTPAndTCPPortsAreRefused(location: String) async throws {
        let script = Script([(302, [("Location", location)])])
        await #expect { try await RedirectTransport(script).send(Self.request("http://127.0.0.1:5000/v2/y")) } throws: { error in
            "\(error)".contains("TCP port") || "\(error)".contains("only http and https") || "\(error)".contains("names no host")
        }
        #expect(script.seen.count == 1, "nothing is sent to the refused target")
    }

    @Test func httpsToHTTPIsRefused() async throws {
        let script = Script([(302, [("Location", "http://registry.example/v2/x")])])
        await #expect { try await RedirectTransport(script).send(Self.request("https://registry.example/v2/y")) } throws: { error in
            "\(error)".contains("downgrade")
        }
        #expect(script.seen.count == 1)
    }

    @Test func redirectLoopsEnd() async throws {
        let script = Script(Array(repeating: (302, [("Location", "/again")]), count: 10))
        await #expect(throws: (any Error).self) {
            try await RedirectTransport(script, limit: 3).send(Self.request("https://r.example/start"))
        }
        #expect(script.seen.count == 4)
    }
}

extension RedirectTransportTests {
    @Test func aStreamedUploadIsNotResentAfterARedirect() async throws {
        let script = Script([(302, [("Location", "/elsewhere")])])
        var request = RegistryRequest(method: "PUT", url: "https://r.example/v2/x/blobs/uploads/1")
        request.body = .stream(ByteStream(bytes: [1, 2, 3]), length: 3)
        await #expect { try await RedirectTransport(script).send(request) } throws: { error in
            "\(error)".contains("streamed upload")
        }
        #expect(script.seen.count == 1)
    }

    /// URLs that arrive by other paths than a redirect (an upload's `Location`, a `Link` page) are checked
    /// where every request leaves: nothing reaches async-http-client that it would answer with
    /// `unsupportedScheme`/`emptyHost` or that NIO would trap on.
    @Test(arguments: [("file:///etc/passwd", "not an http or https URL"), ("http:///v2/x", "names no host"),
                      ("ftp://r.example/x", "not an http or https URL"), ("http://127.0.0.1:70000/x", "not a TCP port"),
                      ("https://u:secret@/x", "names no host")])
    func theTransportRefusesWhatItCannotSend(url: String, says: String) throws {
        #expect { try HTTPClientTransport.checkTarget(url) } throws: { error in
            "\(error)".contains(says) && !"\(error)".contains("secret")
        }
    }

    @Test func theTransportTakesOrdinaryURLs() throws {
        try HTTPClientTransport.checkTarget("http://127.0.0.1:5000/v2/")
        try HTTPClientTransport.checkTarget("HTTPS://registry.example/v2/x/blobs/uploads/?digest=sha256:00")
    }
}
