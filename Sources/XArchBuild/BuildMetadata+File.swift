#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchArchive
import XArchModel

/// The metadata file of `xarch build --metadata-file`, read and written in one place.
extension BuildMetadata {
    /// Writes the metadata to `path` atomically: a temporary file in the same directory, flushed, then
    /// renamed over `path` (and the directory flushed), so a reader — the merge job of a CI matrix —
    /// sees the old file or the new one, never a part; a failure leaves no temporary file behind.
    public func write(to path: String) throws {
        let bytes = try CanonicalJSON.pretty(self) + "\n"
        let directory = Self.directory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temp = "\(directory)/.\(name).tmp-\(POSIXFile.randomSuffix())"
        let fd = try POSIXFile.open(temp, O_WRONLY | O_CREAT | O_EXCL, verb: "write the metadata file")
        do {
            defer { POSIXFile.closeQuietly(fd) }
            try Array(bytes.utf8).withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: temp) }
            try POSIXFile.sync(fd, path: temp)
        } catch {
            try? POSIXFile.removeIfPresent(temp)
            throw error
        }
        do {
            try POSIXFile.rename(temp, path)
        } catch {
            try? POSIXFile.removeIfPresent(temp)
            throw error
        }
        try POSIXFile.syncDirectory(directory)
    }

    /// The metadata in the file at `path`: one-line errors for a file that is missing, too large, not
    /// JSON, or lacks a field.
    public static func read(from path: String) throws -> BuildMetadata {
        let bytes = try POSIXFile.readFile(path, limit: maximumSize, what: "the metadata file")
        return try BuildMetadata(json: bytes, name: path)
    }

    /// The directory a file at `path` goes into (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
