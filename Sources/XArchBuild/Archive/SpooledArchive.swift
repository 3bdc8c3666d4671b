import XArchArchive
import XArchContent
import XArchModel

/// A tar archive — a local `ADD` source or a base image's layer — decompressed once into a local file
/// and indexed, so that later layers can take any of its files by offset, in any order, without holding
/// them in memory. Decompression (gzip, zstd or none, recognized by the first bytes) and tar reading are
/// `XArchVerify`'s streaming readers, with their caps against decompression bombs.
struct SpooledArchive: Sendable {
    /// One entry, its path cleaned (relative to the root, `..` resolved).
    struct Entry: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            case regular, directory, symbolicLink(String), other
            /// A hard link to an earlier path (cleaned, relative to the root).
            case hardLink(String)
            /// A hard link whose target, as the tar has it, is absolute or climbs out of the root:
            /// extractors disagree on it (GNU tar strips the `/`, umoci refuses it).
            case foreignHardLink(String)
        }
        var path: String
        var kind: Kind
        var mode: UInt32
        var size: Int64
        /// Where the entry's bytes start in `file`.
        var offset: Int64
    }

    /// The uncompressed tar.
    let file: String
    let entries: [Entry]

    /// Reads `stream` (named `name` in messages) into `path` and indexes it. Entries whose names climb
    /// out of the root are refused, as docker and containerd refuse to extract them.
    static func spool(_ stream: ByteStream, name: String, to path: String) async throws -> SpooledArchive {
        let output = try LocalFile.create(path)
        defer { output.close() }
        let tee = TeeStream.through(LayerDecompression.decompress(stream), into: output)
        return SpooledArchive(file: path, entries: try await index(tee, name: name))
    }

    /// Only the entry list of `stream`: nothing is kept on disk, so its entries' bytes cannot be read
    /// (`file` is empty). For questions about what exists, such as "is this path a directory".
    static func list(_ stream: ByteStream, name: String) async throws -> SpooledArchive {
        SpooledArchive(file: "", entries: try await index(LayerDecompression.decompress(stream), name: name))
    }

    /// Indexes an uncompressed tar file where it is, without copying it.
    static func index(plainTar path: String, name: String) async throws -> SpooledArchive {
        SpooledArchive(file: path, entries: try await index(FileStream.open(path), name: name))
    }

    private static func index(_ tar: ByteStream, name: String) async throws -> [Entry] {
        let reader = TarReader(tar, prefixLimit: 0)
        var entries: [Entry] = []
        do {
            while let entry = try await reader.next() {
                let padded = (entry.size + 511) / 512 * 512
                guard case .path(let clean, _) = TarPath.clean(entry.path) else {
                    // The caller's catch below says which archive: "NAME: the archive has …".
                    throw XArchError(.invalidInput, "the archive has an entry named \"\(entry.path)\", which climbs out of the root; refusing it")
                }
                guard !clean.isEmpty else { continue }
                entries.append(Entry(path: clean, kind: kind(entry), mode: entry.mode & 0o7777, size: entry.size,
                                     offset: reader.offset - padded))
            }
        } catch let error as XArchError {
            throw XArchError(error.code, "\(name): \(error.message)", cause: error)
        }
        return entries
    }

    private static func kind(_ entry: TarEntry) -> Entry.Kind {
        switch entry.kind {
        case .regular: return .regular
        case .directory: return .directory
        case .symlink: return .symbolicLink(entry.linkTarget)
        case .hardLink:
            guard case .path(let target, wasAbsolute: false) = TarPath.clean(entry.linkTarget) else {
                return .foreignHardLink(entry.linkTarget)
            }
            return .hardLink(target)
        default: return .other
        }
    }
}

/// A stream that writes every chunk it passes on into a file: the decompressed tar is read by the
/// indexer and kept on disk in the same pass.
private enum TeeStream {
    static func through(_ stream: ByteStream, into file: LocalFile) -> ByteStream {
        ByteStream {
            let state = TeeState(iterator: stream.makeAsyncIterator(), file: file)
            return { try await state.next() }
        }
    }
}

/// The iterator of one tee; used by the one task that iterates it.
private final class TeeState {
    private var iterator: ByteStream.AsyncIterator
    private let file: LocalFile

    init(iterator: ByteStream.AsyncIterator, file: LocalFile) {
        self.iterator = iterator
        self.file = file
    }

    func next() async throws -> [UInt8]? {
        guard let chunk = try await iterator.next() else { return nil }
        try chunk.withUnsafeBytes { try file.write($0) }
        return chunk
    }
}
