import Foundation
import Testing
import XArchModel
@testable import XArchRun
#if canImport(Glibc)
import Glibc
#endif

/// How ids map into the sandbox: identity as root, the caller alone, or subordinate ids via newuidmap.
struct IDMappingTests {
    @Test func subordinateRangesAreFoundByNameOrId() {
        let text = "# comment\nalice:100000:65536\nbob:165536:0\n1002:231072:65536\nbad line\n"
        #expect(SubordinateIDs.range(in: text, user: "alice", id: 1000)! == (100000, 65536))
        #expect(SubordinateIDs.range(in: text, user: "carol", id: 1002)! == (231072, 65536))
        #expect(SubordinateIDs.range(in: text, user: "bob", id: 1001) == nil, "an empty range is no range")
        #expect(SubordinateIDs.range(in: text, user: "dave", id: 1003) == nil)
    }

    @Test func subordinateMappingIsHandedToTheHelpers() throws {
        let ids = SubordinateIDs(uid: 1000, gid: 1001, uids: (100000, 65536), gids: (200000, 65536),
                                 newuidmap: "/usr/bin/newuidmap", newgidmap: "/usr/bin/newgidmap")
        let spec = SandboxSpec(rootfs: "/r", arguments: ["true"])
        let records = String(decoding: try spec.encoded(mapping: .subordinate(ids)), as: UTF8.self).split(separator: "\0")
        #expect(records.contains("map=subid"))
        #expect(records.contains("uidmap=0 1000 1 1 100000 65536"))
        #expect(records.contains("gidmap=0 1001 1 1 200000 65536"))
        #expect(records.contains("newuidmap=/usr/bin/newuidmap") && records.contains("newgidmap=/usr/bin/newgidmap"))
        #expect(String(decoding: try spec.encoded(mapping: .caller), as: UTF8.self).contains("map=self\0"))
    }

    @Test(.enabled(if: geteuid() == 0, "root maps the identity"))
    func rootMapsTheIdentity() {
        #expect(IDMapping.detect() == .identity)
    }
}
