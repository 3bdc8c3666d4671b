import Testing
@testable import XArchArchive
import XArchContent
import XArchModel
import XArchTestSupport

@Suite("layers applied to a file tree")
struct LayerTreeTests {
    /// The changes of a tar archive, files kept by their size.
    func changes(_ entries: [TarWriter.Entry]) async throws -> [LayerChange<Int64>] {
        let reader = TarReader(stream(try TarWriter.archive(entries)), prefixLimit: 0)
        var out: [LayerChange<Int64>] = []
        while let entry = try await reader.next() {
            if case .change(let change, _) = LayerEntryMeaning.of(entry, file: { $0.size }) { out.append(change) }
        }
        return out
    }

    func tree(_ layers: [[TarWriter.Entry]]) async throws -> LayerTree<Int64> {
        var tree = LayerTree<Int64>()
        for (i, layer) in layers.enumerated() {
            tree.apply(try await changes(layer), layer: Digest.of(Array("layer \(i)".utf8)))
        }
        return tree
    }

    @Test func whiteoutsAndOpaqueDirectoriesHideLowerLayersOnly() async throws {
        let fs = try await tree([
            [.directory("etc"), .file("etc/a", [1]), .file("etc/b", [1, 2]), .directory("var/cache"), .file("var/cache/x", [1])],
            [.whiteout("etc/a"), .opaque("var/cache"), .file("var/cache/y", [1, 2, 3]), .file("etc/a2", [])],
        ])
        #expect(fs.record(at: "etc/a") == nil)
        #expect(fs.record(at: "/etc/b")?.kind == .file(2))
        #expect(fs.record(at: "var/cache/x") == nil)
        #expect(fs.record(at: "var/cache/y") == LayerTree<Int64>.Record(kind: .file(3), layer: 1))
        var files: [String] = []
        fs.forEachFile { path, _ in files.append(path) }
        #expect(files.sorted() == ["/etc/a2", "/etc/b", "/var/cache/y"])
    }

    @Test func entriesUnderASymlinkedDirectoryLandInItsTarget() async throws {
        let fs = try await tree([
            [.directory("usr/lib"), .symlink("lib", to: "usr/lib")],
            [.file("lib/ld-linux.so.2", [1, 2, 3, 4])],
        ])
        #expect(fs.record(at: "usr/lib/ld-linux.so.2")?.kind == .file(4))
        #expect(fs.record(at: "lib", followLast: false)?.kind == .symlink(target: "usr/lib"))
    }

    @Test func hardLinksTakeTheirTargetAndDanglingOnesAreReported() async throws {
        var fs = LayerTree<Int64>()
        let dangling = fs.apply(try await changes([.file("bin/busybox", [1, 2]), .hardLink("bin/sh", to: "bin/busybox"),
                                                   .hardLink("bin/ls", to: "bin/nothing")]), layer: Digest.of([1]))
        #expect(fs.record(at: "bin/sh")?.kind == .file(2))
        #expect(dangling == [.init(path: "bin/ls", target: "bin/nothing")])
    }

    @Test func symlinkLoopsResolveToNothing() async throws {
        let fs = try await tree([[.symlink("a", to: "b"), .symlink("b", to: "a")]])
        #expect(fs.record(at: "a") == nil)
        #expect(fs.record(at: "a", followLast: false) != nil)
    }

    @Test(arguments: [
        ("../etc/passwd", "escapes"), ("/abs/file", "absolute"), ("dir/.wh..wh..opq", "opaque dir"),
        ("dir/.wh.gone", "whiteout dir/gone"), ("dir/.wh..wh.plnk", "nothing"), ("./", "nothing"), ("a/./b/../c", "file a/c"),
    ])
    func entryNamesMeanWhatExtractorsMakeOfThem(name: String, meaning: String) {
        let entry = TarEntry(path: name, kind: .regular, mode: 0o644, size: 0)
        let described: String
        switch LayerEntryMeaning.of(entry, file: { $0.size }) {
        case .escapingName: described = "escapes"
        case .escapingLink: described = "escaping link"
        case .nothing: described = "nothing"
        case .change(_, wasAbsolute: true): described = "absolute"
        case .change(let change, _):
            switch change.change {
            case .opaque: described = "opaque \(change.path)"
            case .whiteout: described = "whiteout \(change.path)"
            case .file: described = "file \(change.path)"
            default: described = "other"
            }
        }
        #expect(described == meaning)
    }
}
