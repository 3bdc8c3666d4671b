#if canImport(Glibc)
import Glibc
#endif
import XArchArchive
import XArchModel

/// What the RUN cache keys are made of: digests of contents, never of host paths, so a key means the
/// same in every build and on every machine with the same inputs (issue 13, "Build cache").
enum ContentKey {
    /// The digest of a COPY layer's entries: each entry's path, kind, mode, owner, size, link target and
    /// the SHA-256 of its bytes, in path order — not its time, as BuildKit's content checksums leave it
    /// out (a file rewritten with the same bytes, by a RUN run again, is the same input).
    static func of(_ entries: LayerEntries) throws -> Digest {
        var hasher = DigestHasher()
        for entry in entries.sorted {
            var line = "\(entry.path)\u{0}\(entry.mode)\u{0}\(entry.uid):\(entry.gid)\u{0}\(entry.size)\u{0}"
            switch entry.kind {
            case .directory: line += "d"
            case .regularFile: line += "f"
            case .symbolicLink(let target): line += "l\(target)"
            case .hardLink(let target): line += "h\(target)"
            }
            hasher.update(Array(line.utf8))
            switch entry.content {
            case .none: break
            case .bytes(let bytes): hasher.update(Array(Digest.of(bytes, algorithm: .sha256).description.utf8))
            case .file(let path): hasher.update(Array(try file(path, offset: 0, count: entry.size).description.utf8))
            case .fileRange(let path, let offset): hasher.update(Array(try file(path, offset: offset, count: entry.size).description.utf8))
            }
            hasher.update([0x0a])
        }
        return hasher.finalize()
    }

    /// The digest of a directory or file on the host (a bind mount's source): every object's relative
    /// path, type, mode, size, link target and content, in path order; symlinks are not followed.
    static func ofTree(_ root: String) throws -> Digest {
        var hasher = DigestHasher()
        func visit(_ relative: String) throws {
            let path = relative.isEmpty ? root : root + "/" + relative
            var st = stat()
            guard lstat(path, &st) == 0 else { throw POSIXFile.error("inspect", path) }
            var line = "\(relative)\u{0}\(st.st_mode)\u{0}"
            switch st.st_mode & S_IFMT {
            case S_IFREG: line += try file(path, offset: 0, count: Int64(st.st_size)).description
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(path, &buffer, buffer.count - 1)
                line += n >= 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
            default: break
            }
            hasher.update(Array((line + "\n").utf8))
            if st.st_mode & S_IFMT == S_IFDIR {
                for name in (try POSIXFile.directoryEntries(path) ?? []).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                    try visit(relative.isEmpty ? name : relative + "/" + name)
                }
            }
        }
        try visit("")
        return hasher.finalize()
    }

    /// SHA-256 of `count` bytes at `offset` of a file.
    static func file(_ path: String, offset: Int64, count: Int64) throws -> Digest {
        let fd = try POSIXFile.open(path, O_RDONLY | O_CLOEXEC)
        defer { POSIXFile.closeQuietly(fd) }
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else { throw POSIXFile.error("seek in", path) }
        var hasher = DigestHasher()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var left = count
        while left > 0 {
            let n = try POSIXFile.read(fd, into: buffer, count: Int(min(left, 1 << 20)), path: path)
            guard n > 0 else { throw XArchError(.io, "\(path) ended before \(count) bytes were read") }
            hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
            left -= Int64(n)
        }
        return hasher.finalize()
    }
}
