import Foundation
import Testing
import XArch
import XArchContent
import XArchModel
import XArchRegistry
import XArchTestSupport

/// What a registry's refusal looks like to the user: one sentence, a code, what to do.
@Suite("registry error messages")
struct RegistryErrorTests {
    /// Pushing anonymously to a registry that wants credentials (Basic auth).
    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY", "XARCH_TEST_REGISTRY_BASIC", "XARCH_TEST_REGISTRY_BASIC_USER", "XARCH_TEST_REGISTRY_BASIC_PASSWORD"))
    func anonymousPushToAnAuthenticatedRegistrySaysXArchLogin() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let basic = try Integration.require("XARCH_TEST_REGISTRY_BASIC")
        let user = try Integration.require("XARCH_TEST_REGISTRY_BASIC_USER")
        let password = try Integration.require("XARCH_TEST_REGISTRY_BASIC_PASSWORD")
        let repository = IT.unique("anonymous-push")
        try await IT.withSession { session in
            await #expect { try await IT.copy("\(registry)/fixtures/busybox:multi", "\(basic)/\(repository):multi", session: session) } throws: { error in
                guard let x = error as? XArchError else { return false }
                return x.code == .authentication && x.message.contains("xarch login") && x.message.contains(basic)
                    && !x.message.contains("\n") && x.message.count < 400
            }
            let client = session.repository(try ImageReference(parsing: "\(basic)/\(repository)"))
            await #expect { try await client.manifest(.tag("multi")) } throws: { error in
                (error as? XArchError)?.code == .authentication && "\(error)".contains("xarch login")
            }
        }
        // Nothing was pushed.
        await #expect(throws: (any Error).self) {
            try await Skopeo.raw("docker://\(basic)/\(repository):multi", ["--creds=\(user):\(password)"])
        }
    }

    @Test(.requiresEnvironment("XARCH_TEST_REGISTRY"))

    func aMissingSourceIsNotFound() async throws {
        let registry = try Integration.require("XARCH_TEST_REGISTRY")
        let repository = IT.unique("missing")
        try await IT.withSession { session in
            try await TestImages.withTemporaryDirectory("xarch-itest") { dir in
                await #expect { try await IT.copy("\(registry)/\(repository):nope", "oci:\(dir)/out", session: session) } throws: { error in
                    guard let x = error as? XArchError else { return false }
                    return x.code == .notFound && x.message.contains("\(repository):nope") && !x.message.contains("\n")
                }
            }
            // What the registry said is kept as typed fields, not only as text.
            let client = session.repository(try ImageReference(parsing: "\(registry)/\(repository)"))
            await #expect { try await client.manifest(.tag("nope")) } throws: { error in
                guard let x = error as? XArchError, let failure = x.registryFailure else { return false }
                return x.code == .notFound && failure.status == 404 && failure.method == "GET"
                    && failure.url.contains("/manifests/nope") && (failure.has(.manifestUnknown) || failure.has(.nameUnknown))
            }
        }
    }
}
