#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import XArchArchive
import XArchModel

/// The build context: a local directory whose files COPY and ADD take, minus what `.dockerignore`
/// excludes (Dockerfile reference, "Build context" and ".dockerignore file"). Paths are relative to
/// the directory and cleaned so that nothing outside it can be named.
public struct BuildContext: SourceTree {
    /// The directory, absolute.
    public let root: String
    public let ignore: DockerIgnore

    public var sourceName: String { "the build context" }

    public init(root: String, ignore: DockerIgnore = .none) {
        self.root = root
        self.ignore = ignore
    }

    /// Opens the context at `path`, reading the ignore file BuildKit would read: `<Dockerfile>.dockerignore`
    /// beside the Dockerfile when it exists, else `.dockerignore` at the root of the context.
    public static func open(_ path: String, dockerfile: String?) throws -> BuildContext {
        let root = URL(fileURLWithPath: path).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw XArchError(.notFound, "the build context \(path) is not a directory")
        }
        let candidates = (dockerfile.map { ["\($0).dockerignore"] } ?? []) + ["\(root)/.dockerignore"]
        for file in candidates where FileManager.default.fileExists(atPath: file) {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw XArchError(.io, "cannot read \(file)")
            }
            return BuildContext(root: root, ignore: try DockerIgnore(parsing: String(decoding: data, as: UTF8.self)))
        }
        return BuildContext(root: root)
    }

    /// The object at `path`; nil when it does not exist or `.dockerignore` excludes it — except for a
    /// directory that an exception may reopen, which is kept so the walk can enter it.
    public func node(at path: String) throws -> SourceNode? {
        guard !path.isEmpty, ignore.excludes(path) else { return try Self.lstat(absolute(path)) }
        guard isReopened(path), let node = try Self.lstat(absolute(path)), node.kind == .directory else { return nil }
        return node
    }

    public func children(of directory: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: absolute(directory))
        } catch {
            throw XArchError(.io, "cannot list \(absolute(directory)): \(error.localizedDescription)")
        }
        return names.filter { !ignore.excludes(CleanPath.join(directory, $0)) || isReopened(CleanPath.join(directory, $0)) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private func isReopened(_ path: String) -> Bool {
        ignore.hasExceptions && ignore.mayIncludeBelow(path)
    }

    func absolute(_ path: String) -> String { path.isEmpty ? root : "\(root)/\(path)" }

    /// `lstat(2)` of a local file as a `SourceNode`; nil when it does not exist.
    static func lstat(_ file: String) throws -> SourceNode? {
        var st = stat()
        guard cLstat(file, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw POSIXFile.error("read", file)
        }
        let mode = UInt32(st.st_mode) & 0o7777
        #if canImport(Darwin)
        let time = Int64(st.st_mtimespec.tv_sec)
        #else
        let time = Int64(st.st_mtim.tv_sec)
        #endif
        switch UInt32(st.st_mode) & UInt32(S_IFMT) {
        case UInt32(S_IFDIR):
            return SourceNode(kind: .directory, mode: mode, modificationTime: time)
        case UInt32(S_IFREG):
            var node = SourceNode(kind: .regularFile, mode: mode, size: Int64(st.st_size), modificationTime: time,
                                  content: .file(path: file))
            if st.st_nlink > 1 { node.linkIdentity = .init(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)) }
            return node
        case UInt32(S_IFLNK):
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: file)
            return SourceNode(kind: .symbolicLink(target: target), mode: mode, modificationTime: time)
        default:
            return SourceNode(kind: .other, mode: mode, modificationTime: time)
        }
    }
}

private func cLstat(_ path: String, _ st: inout stat) -> Int32 { lstat(path, &st) }
