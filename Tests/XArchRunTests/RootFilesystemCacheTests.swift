import Foundation
import Testing
import XArchArchive
import XArchModel
import XArchRun
import XArchTestSupport

@Suite struct RootFilesystemCacheTests {
    @Test func aSecondRequestForTheSameChainUnpacksNothing() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let layers = LayerStore()
        let base = try await layers.layer([.file("base", [1])])
        let top = try await layers.layer([.file("top", [2])])
        let source = CountingSource(inner: layers.store)
        let cache = RootFilesystemCache(directory: scratch.path + "/cache")

        let first = try await cache.rootFilesystem([base, top], from: source)
        #expect(!first.wasCached && !first.isTemporary)
        #expect(await source.counter.blobs == 2)
        #expect(RunFiles.bytes(first.path + "/top") == [2])

        let second = try await cache.rootFilesystem([base, top], from: source)
        #expect(second.wasCached)
        #expect(second.path == first.path)
        #expect(await source.counter.blobs == 2, "a cache hit reads no layer")

        let other = try await cache.rootFilesystem([base], from: source)
        #expect(!other.wasCached, "another chain is another tree")
        #expect(other.path != first.path)
        #expect(await source.counter.blobs == 3)

        try cache.prune()
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory).isEmpty)
        _ = try await cache.rootFilesystem([base, top], from: source)
        #expect(await source.counter.blobs == 5, "after prune the chain is unpacked again")
    }

    @Test func theKeyFollowsTheOrderedChain() throws {
        let a = Digest.of(Array("a".utf8)), b = Digest.of(Array("b".utf8))
        #expect(RootFilesystemCache.key([a]) == a)
        #expect(RootFilesystemCache.key([a, b]) == Digest.of(Array("\(a) \(b)".utf8)))
        #expect(RootFilesystemCache.key([a, b]) != RootFilesystemCache.key([b, a]))
    }

    @Test func concurrentUnpackersOfOneChainAgree() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let layers = LayerStore()
        let layer = try await layers.layer([.directory("d"), .file("d/f", Array(repeating: 7, count: 100_000))])
        let cache = RootFilesystemCache(directory: scratch.path + "/cache")
        let store = layers.store
        let paths = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try await cache.rootFilesystem([layer], from: store).path } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(paths).count == 1)
        #expect(RunFiles.bytes(paths[0] + "/d/f")?.count == 100_000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory) == [RootFilesystemCache.key([layer.digest]).encoded],
                "the losers' temporary trees are gone")
    }

    @Test func noCacheUnpacksIntoATemporaryDirectory() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let layers = LayerStore()
        let layer = try await layers.layer([.directory("ro", mode: 0o500), .file("ro/f", [1], mode: 0o400)])
        let cache = RootFilesystemCache(directory: scratch.path + "/cache")
        let entry = try await cache.rootFilesystem([layer], from: layers.store, noCache: true)
        #expect(entry.isTemporary && !entry.wasCached)
        #expect(RunFiles.bytes(entry.path + "/ro/f") == [1])
        #expect(!RunFiles.exists(cache.directory), "the cache is not touched")
        try RootFilesystem.remove(entry.path)
        #expect(!RunFiles.exists(entry.path), "read-only directories are removed too")
    }

    @Test func aCorruptLayerLeavesNoTree() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let layers = LayerStore()
        let good = try await layers.layer([.file("good", [1])])
        var gzip = try GzipDeflater.gzip(try TarWriter.archive([.file("f", Array(repeating: 1, count: 10_000))]))
        gzip[gzip.count / 2] ^= 0xff
        gzip.removeLast(8)
        let corrupt = try await layers.blob(gzip)
        let cache = RootFilesystemCache(directory: scratch.path + "/cache")
        await expectUnpackError(["layer \(corrupt.digest)"]) {
            _ = try await cache.rootFilesystem([good, corrupt], from: layers.store)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory).isEmpty, "no final and no temporary tree")
        await expectUnpackError(["layer \(corrupt.digest)"]) {
            _ = try await RootFilesystem.unpack([good, corrupt], from: layers.store, into: scratch.rootfs)
        }
        #expect(scratch.outside() == ["cache"])
        #expect(!RunFiles.exists(scratch.rootfs))
    }
}
