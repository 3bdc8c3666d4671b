#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import XArchArchive
import XArchModel

/// A file being written under a temporary name in the directory of its final name, so that it can be
/// put in place by one atomic `rename`: nothing incomplete or unverified ever appears under a final
/// name (image-layout.md, "Blobs": a blob's name is its digest; "index.json file").
///
/// The life cycle is explicit: `write` any number of times, then either `commit(as:)` (fsync the
/// file, rename it, fsync the directory) or `discard()`. A process killed in between leaves only a
/// `.tmp-*` file, which `OCILayout.removeTemporaryFiles()` removes.
final class TempFile {
    /// Names of temporary files start with this; nothing else in a layout does.
    static let prefix = ".tmp-"

    let directory: String
    let path: String
    private var fd: Int32

    /// Creates a new, empty temporary file in `directory`.
    init(in directory: String) throws {
        self.directory = directory
        // 96 random bits: a clash with another writer's temporary file is not a practical concern,
        // and O_EXCL turns one into an error rather than a shared file.
        path = "\(directory)/\(Self.prefix)\(POSIXFile.randomSuffix())"
        fd = try POSIXFile.open(path, O_WRONLY | O_CREAT | O_EXCL, verb: "write")
        // Held until the file is committed or discarded, released by the kernel when the process
        // dies: a `.tmp-*` file nobody holds locked belongs to a dead writer (`staleTemporaryFiles`).
        _ = flock(fd, LOCK_EX | LOCK_NB)
        Self.inFlight.withLock { _ = $0.insert(path) }
    }

    /// The temporary files being written now, in every layout of this process.
    static let inFlight = Mutex<Set<String>>([])

    /// Appends `bytes`.
    func write(_ bytes: [UInt8]) throws {
        guard fd >= 0 else { throw XArchError(.io, "cannot write \(path): it is already closed") }
        try bytes.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: path) }
    }

    /// Flushes the file, renames it to `finalPath` (in the same directory) and flushes the directory.
    func commit(as finalPath: String) throws {
        guard fd >= 0 else { throw XArchError(.io, "cannot write \(finalPath): the temporary file is already closed") }
        defer { closeIfOpen() }
        try POSIXFile.sync(fd, path: path)
        try POSIXFile.rename(path, finalPath)
        Self.inFlight.withLock { _ = $0.remove(path) }
        try POSIXFile.syncDirectory(directory)
    }

    /// Closes and removes the temporary file; errors are ignored (the caller is already failing).
    func discard() {
        closeIfOpen()
        _ = try? POSIXFile.removeIfPresent(path)
        Self.inFlight.withLock { _ = $0.remove(path) }
    }

    private func closeIfOpen() {
        if fd >= 0 { POSIXFile.closeQuietly(fd) }
        fd = -1
    }
}

/// Whole-file atomic replacement for small files (`index.json`, `oci-layout`).
enum AtomicFile {
    /// Writes `bytes` to `path` through a temporary file in the same directory: fsync, rename, fsync
    /// of the directory. Readers see the old content or the new, never a mixture.
    static func write(_ bytes: [UInt8], to path: String, in directory: String) throws {
        let temp = try TempFile(in: directory)
        do {
            try temp.write(bytes)
            try temp.commit(as: path)
        } catch {
            temp.discard()
            throw error
        }
    }
}
