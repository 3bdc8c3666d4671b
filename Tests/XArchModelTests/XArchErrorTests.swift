import Testing
@testable import XArchModel

@Suite("errors: codes, causes, context")
struct XArchErrorTests {
    @Test(arguments: [(XArchError.Code.network, true), (.unavailable, true), (.registry, false), (.io, false),
                      (.authentication, false), (.tls, false)])
    func temporaryIsDecidedByCode(code: XArchError.Code, temporary: Bool) {
        #expect(XArchError(code, "x").isTemporary == temporary)
    }

    @Test func contextKeepsTheOriginalAsTheCause() {
        let failure = RegistryFailure(status: 404, method: "GET", url: "http://r/v2/a/manifests/x",
                                      entries: [.init(code: .manifestUnknown, message: "manifest unknown")])
        let original = XArchError(.notFound, "manifest x not found", cause: failure)
        let wrapped = original.context("linux/arm64").context("building oci:out")
        #expect(wrapped.code == .notFound)
        #expect(wrapped.message == "building oci:out: linux/arm64: manifest x not found")
        #expect(wrapped.causes.count == 3)
        #expect(wrapped.registryFailure == failure)
        #expect(wrapped.registryFailure?.has(.manifestUnknown) == true)
        let lines = wrapped.debugDescription.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == "building oci:out: linux/arm64: manifest x not found")
        #expect(lines[3].contains("HTTP 404 to GET http://r/v2/a/manifests/x (MANIFEST_UNKNOWN: manifest unknown)"))
    }

    @Test func anErrorWithoutCausesDescribesItselfOnly() {
        let error = XArchError(.io, "cannot read x")
        #expect(error.causes.isEmpty && error.registryFailure == nil && error.debugDescription == "cannot read x")
    }
}
