import Foundation
import Testing
import XArch
import XArchContent
import XArchModel
import XArchRegistry
import XArchTestSupport

/// The HTTPS registry of `scripts/test` (its own CA). It listens on loopback, so xarch tries plain HTTP
/// first and must switch to https when the server says it speaks TLS.
@Suite("TLS registry", .requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY_TLS", "XARCH_TEST_REGISTRY_TLS_CA",
                                            "XARCH_TEST_REGISTRY_TLS_CERT_DIR", "XARCH_TEST_REGISTRY_TLS_LOG"))
struct TLSTests {
    struct Env {
        let registry: String
        let tls: String
        let ca: String
        let certDir: String
    }

    static func env() throws -> Env {
        Env(registry: try Integration.require("XARCH_TEST_REGISTRY"), tls: try Integration.require("XARCH_TEST_REGISTRY_TLS"),
            ca: try Integration.require("XARCH_TEST_REGISTRY_TLS_CA"),
            certDir: try Integration.require("XARCH_TEST_REGISTRY_TLS_CERT_DIR"))
    }

    static let fixture = "\(BusyboxFixture.repository):\(BusyboxFixture.tag)"

    @Test func withTheCACertificateTheCopyWorksOverHTTPS() async throws {
        let env = try Self.env()
        let repository = IT.unique("tls")
        let options = IT.options { $0.caCertificates = [env.ca] }
        try await IT.withSession(options) { session in
            let expected = try await Skopeo.digest("docker://\(env.registry)/\(Self.fixture)")
            let report = try await IT.copy("\(env.registry)/\(Self.fixture)", "\(env.tls)/\(repository):multi", session: session)
            #expect(report.destinationDigest == expected.description && report.blobs.copied > 0)
            #expect(try await Skopeo.digest("docker://\(env.tls)/\(repository):multi", ["--cert-dir=\(env.certDir)"]) == expected)
            // And back, reading over https.
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                let down = try await IT.copy("\(env.tls)/\(repository):multi", "oci:\(dir)/out:multi", session: session)
                #expect(down.digest == expected.description)
                #expect(try await Skopeo.digest("oci:\(dir)/out:multi") == expected)
            }
            // The requests really reached the TLS registry (its access log has them).
            let log = AccessLog(path: try Integration.require("XARCH_TEST_REGISTRY_TLS_LOG"))
            let lines = try await log.settle(userAgent: options.userAgent) { lines in
                lines.contains { $0.method == "PUT" && $0.path == "/v2/\(repository)/manifests/multi" }
            }
            #expect(lines.contains { $0.method == "PUT" && $0.path == "/v2/\(repository)/manifests/multi" && $0.status == 201 })
        }
    }

    @Test func withoutTheCACertificateItFailsSuggestingCACert() async throws {
        let env = try Self.env()
        let repository = IT.unique("tls-untrusted")
        try await IT.withSession { session in
            await #expect { try await IT.copy("\(env.registry)/\(Self.fixture)", "\(env.tls)/\(repository):multi", session: session) } throws: { error in
                guard let x = error as? XArchError else { return false }
                return x.code == .tls && x.message.contains("--ca-cert") && x.message.contains(env.tls)
                    && x.message.contains("--insecure") && !x.message.contains("\n")
            }
            // Reading fails the same way.
            let client = session.repository(try ImageReference(parsing: "\(env.tls)/\(repository)"))
            await #expect { try await client.manifest(.tag("multi")) } throws: { error in
                (error as? XArchError)?.code == .tls && "\(error)".contains("--ca-cert")
            }
        }
        await #expect(throws: (any Error).self) {
            try await Skopeo.raw("docker://\(env.tls)/\(repository):multi", ["--cert-dir=\(env.certDir)"])
        }
    }

    @Test func anInsecureHostSkipsVerification() async throws {
        let env = try Self.env()
        let repository = IT.unique("tls-insecure")
        let options = IT.options { $0.insecureHosts = [env.tls] }
        try await IT.withSession(options) { session in
            let expected = try await Skopeo.digest("docker://\(env.registry)/\(Self.fixture)")
            let report = try await IT.copy("\(env.registry)/\(Self.fixture)", "\(env.tls)/\(repository):multi", session: session)
            #expect(report.destinationDigest == expected.description)
            #expect(try await Skopeo.digest("docker://\(env.tls)/\(repository):multi", ["--cert-dir=\(env.certDir)"]) == expected)
        }
    }
}
