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

/// An image's root file system on disk: its layers applied in order into a directory (OCI image spec,
/// layer.md, "Applying Changesets" and "Whiteouts"), the base the runner chroots into.
///
/// What is created: regular files (content streamed, mode with set-user-id, set-group-id and sticky
/// bits, modification time), directories (an existing directory keeps its children; its own mode and
/// time are applied once every layer is in), symlinks, hard links, FIFOs, and character and block
/// devices where the kernel permits them (otherwise skipped and listed in the report, as in a user
/// namespace). Owners are applied when running as root; refusals are counted. Extended attributes are
/// not applied.
///
/// Hostile layers are contained: a name climbing above the root (`../x`) or a hard link to a target
/// outside it fails the unpack; absolute names are placed under the root; parents are resolved inside
/// the root component by component (`ContainedRoot`), so `etc -> /` followed by `etc/passwd` writes
/// the root's `passwd`, never the host's.
public enum RootFilesystem {
    /// The name of a temporary tree starts so: `xarch-rootfs-<pid>-<random>` (see `StaleWork`).
    static let temporaryPrefix = "xarch-rootfs-"
    /// A tree being unpacked into the cache is `<key>.tmp-<pid>-<random>` until its rename.
    static let unpackingMarker = ".tmp-"

    /// What an unpack did.
    public struct Report: Sendable, Hashable {
        /// The layers applied, in order.
        public var layers: [Digest] = []
        /// Tar entries read, all layers together.
        public var entries = 0
        /// Entries not created, with the reason (device nodes where not permitted, unknown entry types).
        public var skipped: [Skipped] = []
        /// Whether owners were applied (only when running as root).
        public var ownersApplied = false
        /// How many owners the kernel refused (ids not mapped in a user namespace).
        public var ownersRefused = 0

        /// An empty report, before any layer.
        public init() {}
    }

    /// An entry that was not created.
    public struct Skipped: Sendable, Hashable {
        /// The path inside the root ("/dev/null").
        public var path: String
        /// Why, for a person ("device nodes are not permitted here (Operation not permitted)").
        public var reason: String

        /// A skipped entry at `path`.
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// Unpacks `layers` (in order, bottom first) from `source` into `directory`, which must not exist.
    /// The tree is built beside it, in `<directory>.tmp-<pid>-<random>`, and renamed into place once complete:
    /// a failed unpack leaves nothing under `directory`.
    public static func unpack(_ layers: [Descriptor], from source: any ContentSource, into directory: String,
                              limits: DecompressionLimits = .standard) async throws -> Report {
        guard try POSIXFile.status(directory) == nil else {
            throw XArchError(.invalidInput, "cannot unpack into \(directory): it already exists")
        }
        guard let report = try await unpackAtomically(layers, from: source, into: directory, limits: limits) else {
            throw XArchError(.io, "cannot unpack into \(directory): it appeared while the layers were unpacked")
        }
        return report
    }

    /// Unpacks into a new temporary directory (under `$TMPDIR`, else `/tmp`) and returns its path: the
    /// caller removes it with `remove(_:)`.
    public static func unpackTemporary(_ layers: [Descriptor], from source: any ContentSource,
                                       limits: DecompressionLimits = .standard) async throws -> (path: String, report: Report) {
        let path = "\(StaleWork.temporaryDirectory)/\(StaleWork.name(Self.temporaryPrefix))"
        return (path, try await unpack(layers, from: source, into: path, limits: limits))
    }

    /// Removes an unpacked root file system, read-only directories included; a missing path is fine.
    public static func remove(_ path: String) throws {
        try FileTree.remove(path: path)
    }

    /// Unpacks into a temporary sibling of `directory` and renames it into place; nil when `directory`
    /// appeared meanwhile (another unpacker won: the temporary tree is removed).
    static func unpackAtomically(_ layers: [Descriptor], from source: any ContentSource, into directory: String,
                                 limits: DecompressionLimits) async throws -> Report? {
        let temporary = StaleWork.name(directory + Self.unpackingMarker)
        guard mkdir(temporary, 0o700) == 0 else { throw POSIXFile.error("create directory", temporary) }
        do {
            let report = try await apply(layers, from: source, into: temporary, limits: limits)
            if rename(temporary, directory) != 0 {
                guard errno == EEXIST || errno == ENOTEMPTY else { throw POSIXFile.error("rename into place", directory) }
                try? FileTree.remove(path: temporary)
                return nil
            }
            return report
        } catch {
            try? FileTree.remove(path: temporary)
            throw error
        }
    }

    /// Applies every layer into the existing, empty directory `path`.
    private static func apply(_ layers: [Descriptor], from source: any ContentSource, into path: String,
                              limits: DecompressionLimits) async throws -> Report {
        let root = try ContainedRoot(path: path)
        defer { root.close() }
        let applier = LayerApplier(root: root)
        for layer in layers {
            let stream: ByteStream
            do {
                stream = try await source.blob(layer)
            } catch {
                throw XArchError((error as? XArchError)?.code ?? .io,
                                 "cannot read layer \(layer.digest) from \(source.displayName): \((error as? XArchError)?.message ?? "\(error)")",
                                 cause: error)
            }
            try await applier.apply(stream, layer: layer.digest, limits: limits)
        }
        try applier.finishDirectories()
        guard fchmod(root.fd, 0o755) == 0 else { throw POSIXFile.error("set the mode of", path) }
        return applier.report
    }
}
