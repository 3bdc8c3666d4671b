#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchArchive
import XArchContent
import XArchModel

/// Unpacked root file systems kept on disk, keyed by their chain of layers, so that a second run of
/// the same image (or of any image with the same layers) unpacks nothing.
///
/// The key is computed like the image spec's ChainID (config.md, "Layer ChainID") but over the layer
/// *blob* digests, which are known without decompressing: `key(L1) = digest(L1)`,
/// `key(L1…Ln) = sha256(key(L1…Ln-1) + " " + digest(Ln))`. Each tree is `<directory>/<hex key>`,
/// created by an atomic rename of a complete tree, so concurrent unpackers of the same chain are safe:
/// the first rename wins and the others discard their copy.
public struct RootFilesystemCache: Sendable {
    /// Where the trees live.
    public let directory: String

    /// A cache in `directory` (created when first needed).
    public init(directory: String) {
        self.directory = directory
    }

    /// The user's cache: `$XDG_CACHE_HOME/xarch/rootfs`, else `$HOME/.cache/xarch/rootfs`.
    public static func userDefault() throws -> RootFilesystemCache {
        func variable(_ name: String) -> String? {
            guard let value = getenv(name).map({ String(cString: $0) }), value.hasPrefix("/") else { return nil }
            return value
        }
        if let xdg = variable("XDG_CACHE_HOME") { return RootFilesystemCache(directory: xdg + "/xarch/rootfs") }
        if let home = variable("HOME") { return RootFilesystemCache(directory: home + "/.cache/xarch/rootfs") }
        throw XArchError(.invalidInput, "cannot find the cache directory: neither XDG_CACHE_HOME nor HOME is set to an absolute path")
    }

    /// The key of a chain of layers (see the type's documentation).
    public static func key(_ layers: [Digest]) -> Digest {
        guard var key = layers.first else { return Digest.of([UInt8](), algorithm: .sha256) }
        for layer in layers.dropFirst() {
            key = Digest.of(Array("\(key) \(layer)".utf8), algorithm: .sha256)
        }
        return key
    }

    /// Where the tree of `layers` is (or would be).
    public func path(for layers: [Digest]) -> String {
        "\(directory)/\(Self.key(layers).encoded)"
    }

    /// A root file system obtained from the cache.
    public struct Entry: Sendable, Hashable {
        /// The tree's directory.
        public var path: String
        /// What the unpack did; nil when the tree was already there (nothing was unpacked), or when a
        /// concurrent unpacker put the same tree in place first (this one's copy was discarded).
        public var report: RootFilesystem.Report?
        /// The tree is a temporary one (`noCache`): the caller removes it with `RootFilesystem.remove`.
        public var isTemporary: Bool

        /// Whether the tree came from the cache.
        public var wasCached: Bool { report == nil }
    }

    /// The root file system of `layers` (bottom first): the cached tree when there is one, else
    /// unpacked from `source` into the cache. With `noCache`, unpacked into a new temporary
    /// directory that the caller removes, and the cache is neither read nor written.
    public func rootFilesystem(_ layers: [Descriptor], from source: any ContentSource, noCache: Bool = false,
                               limits: DecompressionLimits = .standard) async throws -> Entry {
        if noCache {
            let (path, report) = try await RootFilesystem.unpackTemporary(layers, from: source, limits: limits)
            return Entry(path: path, report: report, isTemporary: true)
        }
        let path = path(for: layers.map(\.digest))
        if let st = try POSIXFile.status(path), POSIXFile.isDirectory(st) {
            return Entry(path: path, report: nil, isTemporary: false)
        }
        try POSIXFile.makeDirectories(directory)
        let report = try await RootFilesystem.unpackAtomically(layers, from: source, into: path, limits: limits)
        return Entry(path: path, report: report, isTemporary: false)
    }

    /// Removes every cached tree, and the leftovers of interrupted unpacks; returns how many entries
    /// went.
    @discardableResult
    public func prune() throws -> Int {
        guard let names = try POSIXFile.directoryEntries(directory) else { return 0 }
        let fd = try FileTree.openDirectory(path: directory)
        defer { POSIXFile.closeQuietly(fd) }
        for name in names {
            try FileTree.remove(fd, name, display: "\(directory)/\(name)")
        }
        return names.count
    }
}
