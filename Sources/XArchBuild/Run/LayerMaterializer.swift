#if canImport(Glibc)
import Glibc
#endif
import XArchArchive
import XArchModel

/// Writes the entries of a new layer (a COPY's files) into an empty directory, with their modes, owners
/// and times, so the layer can be stacked under a RUN's overlay. Entries are written in path order
/// (parents first); missing parents are made 0755.
enum LayerMaterializer {
    static func write(_ entries: LayerEntries, into root: String) throws {
        let asRoot = geteuid() == 0
        for entry in entries.sorted {
            let path = "\(root)/\(entry.path)"
            if let parent = LayerEntries.parent(of: entry.path) { try POSIXFile.makeDirectories("\(root)/\(parent)") }
            switch entry.kind {
            case .directory:
                if mkdir(path, 0o755) != 0, errno != EEXIST { throw POSIXFile.error("create directory", path) }
            case .regularFile:
                try writeFile(entry, to: path)
            case .symbolicLink(let target):
                guard symlink(target, path) == 0 else { throw POSIXFile.error("create symlink", path) }
            case .hardLink(let target):
                guard link("\(root)/\(target)", path) == 0 else { throw POSIXFile.error("create hard link", path) }
                continue
            }
            if lchown(path, uid_t(entry.uid), gid_t(entry.gid)) != 0, asRoot {
                throw POSIXFile.error("set the owner of", path)
            }
            if case .symbolicLink = entry.kind {} else {
                guard chmod(path, mode_t(entry.mode & 0o7777)) == 0 else { throw POSIXFile.error("set the mode of", path) }
            }
            var times = [timespec(tv_sec: time_t(entry.modificationTime), tv_nsec: 0),
                         timespec(tv_sec: time_t(entry.modificationTime), tv_nsec: 0)]
            _ = utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
        }
    }


    private static func writeFile(_ entry: LayerEntry, to path: String) throws {
        let out = try POSIXFile.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o600, verb: "create")
        defer { POSIXFile.closeQuietly(out) }
        switch entry.content {
        case .none: break
        case .bytes(let bytes):
            try bytes.withUnsafeBytes { try POSIXFile.writeAll(out, $0, path: path) }
        case .file(let source):
            try copy(from: source, offset: 0, count: entry.size, to: out, path: path)
        case .fileRange(let source, let offset):
            try copy(from: source, offset: offset, count: entry.size, to: out, path: path)
        }
    }

    /// Copies `count` bytes of `source` from `offset` to `out` (the file at `path`), in 1 MiB reads; a
    /// source that ends early is an error.
    static func copy(from source: String, offset: Int64, count: Int64, to out: Int32, path: String) throws {
        let input = try POSIXFile.open(source, O_RDONLY | O_CLOEXEC)
        defer { POSIXFile.closeQuietly(input) }
        guard lseek(input, off_t(offset), SEEK_SET) == off_t(offset) else { throw POSIXFile.error("seek in", source) }
        var left = count
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while left > 0 {
            let n = try POSIXFile.read(input, into: buffer, count: Int(min(left, 1 << 20)), path: source)
            guard n > 0 else { throw XArchError(.io, "\(source) ended before \(count) bytes were read for \(path)") }
            try POSIXFile.writeAll(out, UnsafeRawBufferPointer(start: buffer, count: n), path: path)
            left -= Int64(n)
        }
    }
}
