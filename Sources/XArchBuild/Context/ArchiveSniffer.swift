import XArchArchive
import XArchContent
import XArchModel

/// Recognizes the local archives `ADD` unpacks (Dockerfile reference, ADD: "a local tar archive in a
/// recognized compression format (identity, gzip, bzip2 or xz) is unpacked as a directory") by their
/// content, as Docker does, never by the file name: a compressed file whose content is not a tar is
/// copied as it is.
enum ArchiveSniffer {
    enum Kind: Equatable {
        /// An uncompressed tar, read in place.
        case plainTar
        /// A gzip- or zstd-compressed tar, decompressed into the work directory.
        case compressedTar
        /// A compression xarch cannot read (bzip2, xz).
        case unsupported(String)
    }

    /// What the file at `path` is; nil when it is no archive (copied as it is).
    static func kind(_ path: String) async throws -> Kind? {
        let head = try await prefix(FileStream.open(path), count: 512)
        if isTar(head) { return .plainTar }
        if head.starts(with: [0x42, 0x5A, 0x68]) { return .unsupported("bzip2") }
        if head.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .unsupported("xz") }
        guard LayerFormat.sniff(head[...]) != .uncompressed else { return nil }
        // Data that does not decompress is no archive (copied as it is); a decompression bomb is an error,
        // never a reason to copy the archive instead of unpacking it.
        let inner: [UInt8]
        do {
            inner = try await prefix(LayerDecompression.decompress(FileStream.open(path)), count: 512)
        } catch let error as XArchError where error.code == .tooLarge {
            throw error
        } catch {
            return nil
        }
        return isTar(inner) ? .compressedTar : nil
    }

    /// A ustar (POSIX or GNU) header: the magic at offset 257.
    static func isTar(_ head: [UInt8]) -> Bool {
        head.count >= 262 && head[257..<262].elementsEqual(Array("ustar".utf8))
    }

    private static func prefix(_ stream: ByteStream, count: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await chunk in stream {
            out += chunk.prefix(count - out.count)
            if out.count >= count { break }
        }
        return out
    }
}
