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

/// An OCI image layout on disk (OCI image spec, image-layout.md): an `oci-layout` file, an
/// `index.json` image index whose entries are the layout's roots, tagged by the
/// `org.opencontainers.image.ref.name` annotation, and content-addressed blobs at
/// `blobs/<algorithm>/<encoded>`.
///
/// Crash safety: every file is written under a temporary name (`.tmp-*`) in the directory of its final
/// name, verified, fsynced and renamed, and the directory is fsynced; so a blob under its final name is
/// always complete and matches its digest, and `index.json` is always a whole document. A killed
/// writer can leave `.tmp-*` files behind; `removeTemporaryFiles(olderThan:)` removes them.
///
/// Concurrency: `index.json` is changed read-modify-write under an exclusive `flock` on the layout
/// directory itself, so writers in any number of processes lose no update; readers take no lock.
///
/// Compatibility with skopeo (containers/image `oci:`), umoci and buildah, which write the same format:
/// an `index.json` without `mediaType` is read; unknown fields of `index.json` and of its entries
/// survive every update; tags are matched as described at `resolveTag(_:in:)`.
public struct OCILayout: ContentSource, ContentSink, ContentDeleter {
    /// The layout directory, as given (without a trailing slash).
    public let path: String

    /// `oci:PATH`, for messages.
    public var displayName: String { "oci:\(path)" }

    /// The `imageLayoutVersion` this store writes (image-layout.md, "oci-layout file").
    public static let layoutVersion = "1.0.0"

    /// Largest `index.json` read.
    public static let maxIndexSize = 64 * 1024 * 1024

    var layoutFilePath: String { "\(path)/oci-layout" }
    var indexPath: String { "\(path)/index.json" }
    var blobsPath: String { "\(path)/blobs" }

    private init(path: String) { self.path = path }

    /// Opens an existing layout, checking its `oci-layout` file (image-layout.md, "oci-layout file":
    /// `imageLayoutVersion` must be a 1.x version) and that `index.json` exists.
    public static func open(at path: String) throws -> OCILayout {
        let layout = OCILayout(path: normalize(path))
        let p = layout.path
        guard let st = try POSIXFile.status(p) else {
            throw XArchError(.notFound, "\(p) does not exist; create the layout first (for example by copying an image into oci:\(p):TAG)")
        }
        guard POSIXFile.isDirectory(st) else {
            throw XArchError(.invalidInput, "\(p) is not an OCI image layout: it is not a directory")
        }
        guard try POSIXFile.status(layout.layoutFilePath) != nil else {
            throw XArchError(.invalidInput, "\(p) is not an OCI image layout: it has no oci-layout file")
        }
        try layout.checkLayoutFile()
        guard try POSIXFile.status(layout.indexPath) != nil else {
            throw XArchError(.invalidInput, "\(p) is not a complete OCI image layout: it has no index.json")
        }
        return layout
    }

    /// Creates a new, empty layout: `oci-layout` (`{"imageLayoutVersion":"1.0.0"}`), an empty
    /// `index.json` (with the OCI index `mediaType`, as skopeo writes it) and `blobs/sha256/`.
    ///
    /// The layout is assembled in a hidden sibling directory and renamed into place, so `path` is
    /// either absent (or the empty directory it was) or a complete layout, never a partial one. Fails
    /// with `XArchError.Code.alreadyExists` when `path` exists and is not an empty directory.
    public static func create(at path: String) throws -> OCILayout {
        let layout = OCILayout(path: normalize(path))
        let p = layout.path
        let parent = parentDirectory(of: p)
        try POSIXFile.makeDirectories(parent)
        if let st = try POSIXFile.status(p) {
            guard POSIXFile.isDirectory(st), try POSIXFile.directoryEntries(p)?.isEmpty ?? true else {
                throw alreadyExists(p)
            }
        }
        let staging = "\(parent)/\(TempFile.prefix)layout-\(POSIXFile.randomSuffix())"
        do {
            try writeSkeleton(at: staging)
            guard systemRenameDirectory(staging, p) == 0 else {
                let code = errno
                if code == ENOTEMPTY || code == EEXIST || code == ENOTDIR { throw alreadyExists(p) }
                throw POSIXFile.error("create", p, errno: code)
            }
            try POSIXFile.syncDirectory(parent)
        } catch {
            removeSkeleton(at: staging)
            throw error
        }
        return layout
    }

    /// Opens the layout at `path`, creating it when nothing (or an empty directory) is there. Safe when
    /// several processes do it at once: one creates it, the others open it.
    /// An existing layout is about to be written: the temporary files of killed writers are reclaimed
    /// first (`reclaimTemporaryFiles`), so they never pile up.
    public static func openOrCreate(at path: String) throws -> OCILayout {
        let p = normalize(path)
        if let st = try POSIXFile.status(p) {
            guard POSIXFile.isDirectory(st), try POSIXFile.directoryEntries(p)?.isEmpty ?? true else {
                let layout = try open(at: p)
                // Best effort: a leftover that cannot be removed does not stop the write.
                _ = try? layout.reclaimTemporaryFiles()
                return layout
            }
        }
        do {
            return try create(at: p)
        } catch let error as XArchError where error.code == .alreadyExists {
            return try open(at: p)
        }
    }

    /// Removes the temporary files this process is writing now, in every layout, and the staging
    /// layouts of archives being written (for a Ctrl-C or
    /// SIGTERM handler about to exit: the partial blob of a copy never outlives the process). Returns
    /// how many went.
    @discardableResult
    public static func removeFilesInFlight() -> Int {
        let paths = TempFile.inFlight.withLock { paths -> Set<String> in
            defer { paths.removeAll() }
            return paths
        }
        for path in paths { _ = try? POSIXFile.removeIfPresent(path) }
        ArchiveStaging.removeAllInFlight()
        return paths.count
    }

    /// Removes the `.tmp-*` files that writers killed mid-write left in the layout directory and in
    /// `blobs/<algorithm>/`, and returns how many were removed.
    ///
    /// A temporary file of a writer that is still running must not be removed: pass an `age` longer
    /// than any write takes when other processes may be writing to the layout; the default removes
    /// every temporary file.
    @discardableResult
    public func removeTemporaryFiles(olderThan age: Double = 0) throws -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let cutoff = Double(now.tv_sec) - age
        var directories = [path]
        for alg in try POSIXFile.directoryEntries(blobsPath) ?? [] where !alg.hasPrefix(".") {
            directories.append("\(blobsPath)/\(alg)")
        }
        var removed = 0
        for dir in directories {
            for name in try POSIXFile.directoryEntries(dir) ?? [] where name.hasPrefix(TempFile.prefix) {
                let file = "\(dir)/\(name)"
                guard let st = try POSIXFile.status(file), POSIXFile.isRegular(st),
                      Double(modificationSeconds(st)) <= cutoff else { continue }
                try POSIXFile.removeIfPresent(file)
                removed += 1
            }
        }
        return removed
    }

    // MARK: - Helpers

    private func checkLayoutFile() throws {
        let bytes = try POSIXFile.readFile(layoutFilePath, limit: 64 * 1024, what: "oci-layout file of \(path)")
        struct Header: Decodable { var imageLayoutVersion: String }
        let header = try CanonicalJSON.decode(Header.self, from: bytes, what: "oci-layout file of \(path)")
        guard header.imageLayoutVersion.split(separator: ".").first == "1" else {
            throw XArchError(.unsupported, "\(path) has image layout version \(header.imageLayoutVersion); xarch reads version 1 layouts (\(Self.layoutVersion))")
        }
    }

    static func alreadyExists(_ path: String) -> XArchError {
        XArchError(.alreadyExists, "cannot create a layout at \(path): it already exists and is not an empty directory")
    }

    static func normalize(_ path: String) -> String {
        var p = path.isEmpty ? "." : path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func writeSkeleton(at dir: String) throws {
        guard mkdir(dir, 0o755) == 0 else { throw POSIXFile.error("create directory", dir) }
        try POSIXFile.makeDirectory("\(dir)/blobs")
        try POSIXFile.makeDirectory("\(dir)/blobs/sha256")
        let header = try CanonicalJSON.encode(["imageLayoutVersion": layoutVersion])
        let index = try CanonicalJSON.encode(ImageIndex(mediaType: .ociIndex, manifests: []))
        try AtomicFile.write(index, to: "\(dir)/index.json", in: dir)
        try AtomicFile.write(header, to: "\(dir)/oci-layout", in: dir)
        try POSIXFile.syncDirectory("\(dir)/blobs")
    }

    private static func removeSkeleton(at dir: String) {
        for file in ["oci-layout", "index.json"] { _ = try? POSIXFile.removeIfPresent("\(dir)/\(file)") }
        for name in (try? POSIXFile.directoryEntries(dir)) ?? [] where name.hasPrefix(TempFile.prefix) {
            _ = try? POSIXFile.removeIfPresent("\(dir)/\(name)")
        }
        _ = rmdir("\(dir)/blobs/sha256")
        _ = rmdir("\(dir)/blobs")
        _ = rmdir(dir)
    }
}

private func systemRenameDirectory(_ from: String, _ to: String) -> Int32 { rename(from, to) }

func modificationSeconds(_ st: stat) -> Int {
    #if canImport(Darwin)
    return st.st_mtimespec.tv_sec
    #else
    return st.st_mtim.tv_sec
    #endif
}
