import XArchArchive
import XArchContent
import XArchModel

/// Writes an `oci-archive`: the files of an OCI image layout (image-layout.md) at the top of a tar,
/// as skopeo's `oci-archive:` transport writes them (`oci-layout`, `index.json`, `blobs/`,
/// `blobs/<alg>/`, `blobs/<alg>/<encoded>`), owned by root, dated at the epoch, so equal layouts give
/// equal archives.
enum OCIArchiveWriter {
    /// Streams `layout` into the archive `target` (see `ArchiveFileWriter`).
    static func write(_ layout: OCILayout, to target: String) async throws {
        try await ArchiveFileWriter.write(to: target) { archive in
            for name in ["oci-layout", "index.json"] {
                try await archive.file(name, from: "\(layout.path)/\(name)")
            }
            try archive.directory("blobs")
            for algorithm in (try POSIXFile.directoryEntries(layout.blobsPath) ?? []).sorted() where !algorithm.hasPrefix(".") {
                try archive.directory("blobs/\(algorithm)")
                let folder = "\(layout.blobsPath)/\(algorithm)"
                for name in (try POSIXFile.directoryEntries(folder) ?? []).sorted() where !name.hasPrefix(".") {
                    try await archive.file("blobs/\(algorithm)/\(name)", from: "\(folder)/\(name)")
                }
            }
        }
    }
}

/// An archive file being written: a tar streamed into a temporary file beside `target` (each member's
/// bytes copied in 1 MiB chunks, never a whole blob in memory), fsynced and renamed onto `target` when
/// complete, removed on any error.
final class ArchiveFileWriter {
    private var tar: TarWriter
    private let temp: TempFile

    private init(temp: TempFile) {
        self.temp = temp
        tar = TarWriter { try temp.write($0) }
    }

    /// Writes the archive `target` with `body`, atomically.
    static func write(to target: String, _ body: (ArchiveFileWriter) async throws -> Void) async throws {
        let temp = try TempFile(in: OCILayout.parentDirectory(of: target))
        do {
            let writer = ArchiveFileWriter(temp: temp)
            try await body(writer)
            try writer.tar.finish()
            try temp.commit(as: target)
        } catch {
            temp.discard()
            throw error
        }
    }

    /// A directory member.
    func directory(_ name: String) throws {
        try tar.write(.directory(name))
    }

    /// A file member with `bytes` (small content: `manifest.json`).
    func file(_ name: String, bytes: [UInt8]) throws {
        try tar.write(.file(name, bytes))
    }

    /// A file member copied from the file at `path`, streamed.
    func file(_ name: String, from path: String) async throws {
        guard let st = try POSIXFile.status(path), POSIXFile.isRegular(st) else {
            throw XArchError(.notFound, "cannot write \(name) into the archive: \(path) is missing")
        }
        try tar.writeHeader(TarHeader(name: name, kind: .regular, mode: 0o644, size: Int64(st.st_size)))
        for try await chunk in FileStream.open(path) { try tar.writeContent(chunk) }
    }
}
