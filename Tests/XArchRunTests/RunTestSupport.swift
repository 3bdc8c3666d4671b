import Foundation
import Testing
import XArchArchive
import XArchContent
import XArchModel
import XArchRun
import XArchTestSupport

/// Layers for the unpacker, made by the real tar writer and gzip, held in a `MemoryStore`.
struct LayerStore {
    let store = MemoryStore()

    /// Stores the gzipped tar of `entries` and returns its descriptor.
    func layer(_ entries: [TarWriter.Entry]) async throws -> Descriptor {
        try await blob(try GzipDeflater.gzip(try TarWriter.archive(entries)))
    }

    /// Stores `bytes` as a layer blob as they are (corrupt layers).
    func blob(_ bytes: [UInt8]) async throws -> Descriptor {
        let descriptor = Descriptor(mediaType: .ociLayerGzip, bytes: bytes)
        try await store.putBlob(descriptor, from: stream(bytes))
        return descriptor
    }
}

/// A source that counts the blobs asked of it: a cache hit asks for none.
struct CountingSource: ContentSource {
    let inner: any ContentSource
    let counter = Counter()
    var displayName: String { inner.displayName }

    actor Counter {
        var blobs = 0
        func add() { blobs += 1 }
    }

    func manifest(_ reference: ManifestReference) async throws -> ManifestDocument { try await inner.manifest(reference) }
    func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        try await inner.manifestDescriptor(reference)
    }
    func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        await counter.add()
        return try await inner.blob(descriptor)
    }
    func blobSize(_ digest: Digest) async throws -> Int64? { try await inner.blobSize(digest) }
    func tags() async throws -> [String] { try await inner.tags() }
}

/// A fresh scratch directory for one test; `rootfs` inside it is where trees are unpacked, so that
/// anything a hostile layer writes outside the tree shows up next to it.
struct Scratch {
    let path: String
    var rootfs: String { path + "/rootfs" }

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("xarch-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Unpacks one layer of `entries` into `rootfs`.
    func unpack(_ entries: [TarWriter.Entry]) async throws -> RootFilesystem.Report {
        let layers = LayerStore()
        let layer = try await layers.layer(entries)
        return try await RootFilesystem.unpack([layer], from: layers.store, into: rootfs)
    }

    func remove() {
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        _ = try? RunFiles.run("chmod", "-R", "u+rwx", path)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Every path under the scratch directory, relative to it, without descending into `rootfs`.
    func outside() -> [String] {
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        return names.filter { $0 != "rootfs" && !$0.hasPrefix("rootfs/") }.sorted()
    }
}

/// Small file facts for assertions.
enum RunFiles {
    static func bytes(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }

    static func mode(_ path: String) -> UInt16? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return UInt16(st.st_mode & 0o7777)
    }

    /// The file type bits (`S_IFIFO`, `S_IFCHR`, …) of `path`, not following a symlink.
    static func format(_ path: String) -> mode_t? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return st.st_mode & S_IFMT
    }

    static func modificationTime(_ path: String) -> Int? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return Int(st.st_mtim.tv_sec)
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return UInt64(st.st_ino)
    }

    static func link(_ path: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: path) }

    /// Whether this process's user namespace maps every uid (the initial namespace does).
    static var mapsEveryID: Bool {
        guard let map = try? String(contentsOfFile: "/proc/self/uid_map", encoding: .utf8) else { return false }
        return map.split(separator: " ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            == ["0", "0", "4294967295"]
    }

    /// Whether `mknod` of a device can work: root with every id mapped and CAP_MKNOD (bit 27) effective.
    static var canMakeDevices: Bool {
        guard geteuid() == 0, mapsEveryID,
              let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let caps = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
        return caps & (1 << 27) != 0
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    @discardableResult
    static func run(_ arguments: String...) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Requires `body` to throw an `XArchError` whose message contains every fragment.
func expectUnpackError(_ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected an XArchError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as XArchError {
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\"\(error.message)\" lacks \"\(fragment)\"", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected an XArchError, got \(error)", sourceLocation: sourceLocation)
    }
}
