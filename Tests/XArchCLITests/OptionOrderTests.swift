import Foundation
import Testing
import XArchCLI
import XArchTestSupport

/// Options go before or after the arguments, as users type them: a repeatable option takes one value
/// per occurrence (comma lists allowed) and never swallows the positional arguments after it.
@Suite("options before and after arguments")
struct OptionOrderTests {
    /// `xarch build --platform A,B CONTEXT …` and `xarch build CONTEXT --platform A,B …` build the same index;
    /// `xarch copy --platform A SRC DST` and `xarch copy SRC DST --platform A` copy the same reduced index.
    @Test func platformBeforeOrAfterTheArguments() async throws {
        try await TestImages.withTemporaryDirectory { dir in
            let before = await CLIRun.run("build", "--platform", "linux/amd64,linux/arm64", BuildCommandTests.hello,
                                          "--output", "oci:\(dir)/a:latest", "--format", "json")
            let after = await CLIRun.run("build", BuildCommandTests.hello, "--output", "oci:\(dir)/b:latest",
                                         "--format", "json", "--platform", "linux/amd64", "--platform", "linux/arm64")
            #expect(before.code == 0, "\(before.stderr)")
            #expect(after.code == 0, "\(after.stderr)")
            #expect(Self.digest(before.stdout) != nil && Self.digest(before.stdout) == Self.digest(after.stdout))

            let copyBefore = await CLIRun.run("copy", "--platform", "linux/arm64", "oci:\(dir)/a:latest",
                                              "oci:\(dir)/c:latest", "--format", "json")
            let copyAfter = await CLIRun.run("copy", "oci:\(dir)/a:latest", "oci:\(dir)/d:latest",
                                             "--platform", "linux/arm64", "--format", "json")
            #expect(copyBefore.code == 0, "\(copyBefore.stderr)")
            #expect(copyAfter.code == 0, "\(copyAfter.stderr)")
            #expect(Self.value("destinationDigest", copyBefore.stdout) != nil)
            #expect(Self.value("destinationDigest", copyBefore.stdout) == Self.value("destinationDigest", copyAfter.stdout))
        }
    }

    static func digest(_ json: String) -> String? { value("digest", json) }

    static func value(_ key: String, _ json: String) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return object?[key] as? String
    }
}
