import Testing
import XArchArchive
import XArchContent
import XArchModel
@testable import XArchVerify

@Suite("streaming tar reader")
struct TarReaderTests {
    func entries(_ archive: [UInt8], chunk: Int = 64 * 1024, prefix: Int = 16 * 1024) async throws -> [TarEntry] {
        let reader = TarReader(stream(archive, chunk: chunk), prefixLimit: prefix)
        var out: [TarEntry] = []
        while let e = try await reader.next() { out.append(e) }
        return out
    }

    @Test(arguments: [1, 511, 512, 513, 100_000])
    func readsEveryTypeWithBoundedPrefixInAnyChunking(chunk: Int) async throws {
        var t = TarBuilder()
        let big = [UInt8]((0..<50_000).map { UInt8($0 % 251) })
        t.directory("bin/")
        t.file("bin/big", big, mode: 0o755)
        t.symlink("bin/sh", to: "busybox")
        t.hardLink("bin/again", to: "bin/big")
        t.file("etc/empty", [], mode: 0o600)
        let all = try await entries(t.archive, chunk: chunk, prefix: 1000)
        #expect(all.map(\.path) == ["bin/", "bin/big", "bin/sh", "bin/again", "etc/empty"])
        #expect(all.map(\.kind) == [.directory, .regular, .symlink, .hardLink, .regular])
        #expect(all[1].size == 50_000 && all[1].prefix == Array(big.prefix(1000)) && all[1].mode == 0o755)
        #expect(all[2].linkTarget == "busybox" && all[3].linkTarget == "bin/big")
        #expect(all[4].prefix.isEmpty && all[4].mode == 0o600)
    }

    @Test func paxAndGNUExtendedNamesApplyToTheNextEntryOnly() async throws {
        let long = String(repeating: "d/", count: 80) + "file"
        var t = TarBuilder()
        t.pax([("path", long), ("mtime", "1.5"), ("linkpath", "ignored-for-files")])
        t.file("short", Array("x".utf8))
        t.gnuLong("L", "gnu/" + long)
        t.gnuLong("K", "/target/of/a/long/link")
        t.symlink("short2", to: "t")
        t.pax([("comment", "global")], type: "g")
        t.file("plain", [1, 2, 3])
        let all = try await entries(t.archive, chunk: 100)
        #expect(all.map(\.path) == [long, "gnu/" + long, "plain"])
        #expect(all[0].linkTarget == "" && all[1].linkTarget == "/target/of/a/long/link")
    }

    @Test func paxSizeOverridesTheHeader() async throws {
        var t = TarBuilder()
        t.pax([("size", "5")])
        t.raw(type: "0", size: 0, content: Array("hello".utf8), name: "sized")
        t.file("next", [9])
        let all = try await entries(t.archive)
        #expect(all.map(\.path) == ["sized", "next"])
        #expect(all[0].prefix == Array("hello".utf8))
    }

    @Test func base256SizesAreRead() async throws {
        var t = TarBuilder()
        t.raw(type: "0", size: 3, content: [7, 8, 9], sizeField: [0x80] + [UInt8](repeating: 0, count: 10) + [3])
        #expect(try await entries(t.archive).first?.size == 3)
    }

    /// The hostile corpus: each is a clear error, never a crash, never a read past the data.
    @Test(arguments: HostileTar.allCases)
    func hostileArchivesAreClearErrors(_ c: HostileTar) async throws {
        await #expect { try await entries(c.archive, chunk: 777) } throws: { e in
            guard let e = e as? XArchError else { return false }
            return e.code == c.code && e.message.contains(c.says)
        }
    }

    @Test func endWithoutMarkerAtABoundaryIsAccepted() async throws {
        var t = TarBuilder()
        t.file("a", [1])
        #expect(try await entries(t.bytes).count == 1)
    }
}

enum HostileTar: String, CaseIterable, CustomTestStringConvertible {
    case hugePax, hugeLongName, negativeSize, overflowingSize, badPaxSize, badPaxRecord, truncatedHeader
    case truncatedContent, truncatedPadding, badChecksum, notATar, paxWithoutEntry

    var testDescription: String { rawValue }

    var archive: [UInt8] {
        var t = TarBuilder()
        switch self {
        case .hugePax:
            t.raw(type: "x", size: 5 << 20, content: [])  // announces 5 MiB; no need to send it
            return t.bytes
        case .hugeLongName:
            t.raw(type: "L", size: 1 << 20, content: [])
            return t.bytes
        case .negativeSize:
            t.raw(type: "0", size: 0, content: [], sizeField: [0xff] + [UInt8](repeating: 0xff, count: 11))
        case .overflowingSize:
            t.raw(type: "0", size: 0, content: [], sizeField: [0x80] + [UInt8](repeating: 0xff, count: 11))
        case .badPaxSize:
            t.pax([("size", "-12")]); t.file("x", [])
        case .badPaxRecord:
            t.raw(type: "x", size: 12, content: Array("99 path=abc\n".utf8))
            t.file("x", [])
        case .truncatedHeader:
            t.file("a", [1])
            return t.bytes + [UInt8](repeating: 0x41, count: 100)
        case .truncatedContent:
            t.raw(type: "0", size: 10_000, content: [UInt8](repeating: 1, count: 3000), name: "cut")
            return Array(t.bytes.prefix(512 + 3000))
        case .truncatedPadding:
            t.file("a", [UInt8](repeating: 1, count: 100))
            return Array(t.bytes.prefix(512 + 100))
        case .badChecksum:
            t.file("a", [1])
            var b = t.archive
            b[0] ^= 1
            return b
        case .notATar:
            return Array(String(repeating: "this is not a tar archive at all. ", count: 40).utf8)
        case .paxWithoutEntry:
            t.pax([("path", "x")])
        }
        return t.archive
    }

    var code: XArchError.Code { self == .hugePax || self == .hugeLongName ? .tooLarge : .invalidInput }

    var says: String {
        switch self {
        case .hugePax: return "pax extended header of 5242880 bytes"
        case .hugeLongName: return "GNU long name of 1048576 bytes"
        case .negativeSize: return "negative size"
        case .overflowingSize: return "negative size"
        case .badPaxSize: return "pax size '-12'"
        case .badPaxRecord: return "bad record length"
        case .truncatedHeader: return "inside a header"
        case .truncatedContent: return "inside the content of cut"
        case .truncatedPadding: return "inside the content of a"
        case .badChecksum: return "wrong checksum"
        case .notATar: return "wrong checksum"
        case .paxWithoutEntry: return "after an extended header"
        }
    }
}
