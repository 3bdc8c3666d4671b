import Foundation
import Testing
import XArchTestSupport

/// Where the busybox fixtures are: `$XARCH_FIXTURES`, else the repository's `fixtures/` (made by
/// `scripts/fixtures`; tests that need them are skipped when they are absent outside `scripts/test`).
enum Fixtures {
    static var root: String { Integration.fixturesRoot }

    /// The suites that read the busybox builds run when they are there, and always under `scripts/test`
    /// (which fails without them); otherwise they are skipped, saying so.
    static let required = ConditionTrait.requiresFixture("busybox/amd64/busybox")

    static func busybox(_ debianArch: String) throws -> [UInt8] {
        try Array(Data(contentsOf: URL(fileURLWithPath: "\(root)/busybox/\(debianArch)/busybox")))
    }

    /// Debian architecture → OCI platform, as fixtures/manifest.json lists them.
    static let platforms: [(debian: String, platform: String)] = [
        ("amd64", "linux/amd64"), ("arm64", "linux/arm64/v8"), ("armhf", "linux/arm/v7"), ("armel", "linux/arm/v5"),
        ("i386", "linux/386"), ("ppc64el", "linux/ppc64le"), ("s390x", "linux/s390x"), ("mips64el", "linux/mips64le"),
    ]
}
