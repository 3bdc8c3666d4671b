import Testing
@testable import XArchArchive
import XArchContent
import XArchModel
import XArchTestSupport

@Suite("tar writer and header round trips")
struct TarWriterTests {
    func read(_ archive: [UInt8], chunk: Int = 700) async throws -> [TarEntry] {
        let reader = TarReader(stream(archive, chunk: chunk), prefixLimit: 1 << 20)
        var out: [TarEntry] = []
        while let entry = try await reader.next() { out.append(entry) }
        return out
    }

    static let longName = String(repeating: "deep/", count: 40) + "file-with-a-long-name"

    @Test(arguments: [TarHeader.Format.pax, .gnu])
    func everyFieldSurvivesARoundTrip(format: TarHeader.Format) async throws {
        let content = [UInt8]((0..<1500).map { UInt8($0 % 253) })
        let entries: [TarWriter.Entry] = [
            .directory("etc", mode: 0o750, uid: 100, gid: 65534),
            TarWriter.Entry(TarHeader(name: Self.longName, kind: .regular, mode: 0o4755, uid: 1000, gid: 1000,
                                      size: Int64(content.count), modificationTime: 1_700_000_000), content: content),
            .symlink("bin/sh", to: "/" + Self.longName),
            .hardLink("again", to: "etc/x"),
            TarWriter.Entry(TarHeader(name: "dev/null", kind: .characterDevice, mode: 0o666, deviceMajor: 1, deviceMinor: 3)),
            TarWriter.Entry(TarHeader(name: "run/fifo", kind: .fifo, mode: 0o600)),
        ]
        let all = try await read(try TarWriter.archive(entries, format: format))
        #expect(all.map(\.path) == ["etc/", Self.longName, "bin/sh", "again", "dev/null", "run/fifo"])
        #expect(all.map(\.kind) == [.directory, .regular, .symlink, .hardLink, .characterDevice, .fifo])
        #expect(all[0].mode == 0o750 && all[0].uid == 100 && all[0].gid == 65534)
        #expect(all[1].prefix == content && all[1].mode == 0o4755 && all[1].modificationTime == 1_700_000_000)
        #expect(all[2].linkTarget == "/" + Self.longName && all[3].linkTarget == "etc/x")
        #expect(all[4].deviceMajor == 1 && all[4].deviceMinor == 3)
    }

    @Test func valuesPastUstarGoToPaxRecords() async throws {
        let header = TarHeader(name: "big", kind: .regular, mode: 0o644, uid: 3_000_000, gid: 4_000_000, size: 0,
                               modificationTime: -5)
        #expect(header.paxRecords().map(\.0) == ["uid", "gid", "mtime"])
        let all = try await read(try TarWriter.archive([TarWriter.Entry(header)]))
        #expect(all.count == 1 && all[0].uid == 3_000_000 && all[0].gid == 4_000_000 && all[0].modificationTime == -5)
    }

    @Test func decodingAnEncodedHeaderGivesItBack() throws {
        let header = TarHeader(name: "usr/lib/x", kind: .regular, mode: 0o755, uid: 7, gid: 8, size: 12_345,
                               modificationTime: 99, linkName: "")
        #expect(try TarHeader(decoding: header.encoded(), offset: 0) == header)
        var broken = header.encoded()
        broken[0] ^= 1
        #expect(throws: XArchError.self) { try TarHeader(decoding: broken, offset: 512) }
        TarHeader.setChecksum(&broken)
        #expect(try TarHeader(decoding: broken, offset: 0).name != header.name)
    }

    @Test func contentMustMatchTheAnnouncedSize() throws {
        var sink: [UInt8] = []
        var writer = TarWriter { sink += $0 }
        try writer.writeHeader(TarHeader(name: "f", kind: .regular, mode: 0o644, size: 4))
        try writer.writeContent([1, 2])
        #expect(throws: XArchError.self) { try writer.writeContent([3, 4, 5]) }
        #expect(throws: XArchError.self) { try writer.finish() }
        try writer.writeContent([3, 4])
        try writer.finish()
        #expect(sink.count == 512 + 512 + 1024)
    }

    @Test func streamedContentComesInPiecesAndTheRestIsSkipped() async throws {
        let big = [UInt8]((0..<10_000).map { UInt8($0 % 200) })
        let archive = try TarWriter.archive([.file("a", big), .file("b", Array("bee".utf8)), .file("c", big)])
        let reader = TarReader(stream(archive, chunk: 333), prefixLimit: 0)
        var pieces: [UInt8] = []
        #expect(try await reader.nextHeader()?.path == "a")
        while case let piece = try await reader.readContent(upTo: 4096), !piece.isEmpty { pieces += piece }
        #expect(pieces == big)
        #expect(try await reader.nextHeader()?.path == "b")
        #expect(try await reader.readContent(upTo: 2) == Array("be".utf8))
        // The rest of b and all of c are skipped without being read by the caller.
        #expect(try await reader.nextHeader()?.path == "c")
        #expect(try await reader.nextHeader() == nil)
        #expect(reader.offset == Int64(archive.count))
    }

    @Test func aTruncatedStreamedContentIsAnError() async throws {
        let archive = try TarWriter.archive([.file("a", [UInt8](repeating: 7, count: 5000))])
        let reader = TarReader(stream(Array(archive.prefix(2000))), prefixLimit: 0)
        _ = try await reader.nextHeader()
        await #expect(throws: XArchError.self) { while !(try await reader.readContent(upTo: 1000)).isEmpty {} }
    }
}
