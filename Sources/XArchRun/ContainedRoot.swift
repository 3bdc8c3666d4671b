#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import XArchArchive
import XArchModel

/// A directory that serves as the root of an image's file system while it is unpacked: every path is
/// resolved inside it the way the kernel resolves paths after `chroot` (and as the layer tree of
/// `XArchArchive` walks them, so verification and unpacking agree): a symlinked directory is followed
/// *within* the root, an absolute target starts again at the root, `..` at the root stays there, and
/// more than 40 links on one walk (Linux's MAXSYMLINKS) is a loop. The walk opens one component at a
/// time with `openat(O_NOFOLLOW | O_DIRECTORY)` from the root's descriptor, so nothing a layer puts
/// on disk (`etc -> /`, `a -> ../../..`) can lead a write outside the root.
final class ContainedRoot {
    /// A directory inside the root, open: its descriptor (the caller closes it) and its real path,
    /// relative to the root and free of symlinks ("usr/lib"; "" for the root).
    struct Directory {
        var fd: Int32
        var components: [String]
        var path: String { components.joined(separator: "/") }
    }

    static let maxSymlinks = 40
    /// The root directory, opened once.
    let fd: Int32
    /// The root's path on disk, for messages.
    let path: String

    init(path: String) throws {
        fd = try FileTree.openDirectory(path: path)
        self.path = path
    }

    func close() { POSIXFile.closeQuietly(fd) }

    /// How `relative` (a path inside the root) is shown in messages.
    func display(_ relative: String) -> String { relative.isEmpty ? path : path + "/" + relative }

    /// Opens the directory at `components`, a real path (no symlinks), one component at a time
    /// without following any symlink; nil when it is not (or no longer) a directory.
    func openReal(_ components: [String]) throws -> Directory? {
        var current = dup(fd)
        guard current >= 0 else { throw POSIXFile.error("open", path) }
        for (i, component) in components.enumerated() {
            let next = try FileTree.openDirectory(current, component, display: display(components[...i].joined(separator: "/")))
            POSIXFile.closeQuietly(current)
            guard let next else { return nil }
            current = next
        }
        return Directory(fd: current, components: components)
    }

    /// Resolves the directory at `path` (relative to the root, cleaned), following symlinks inside
    /// the root. With `create`, what is missing on the way becomes a directory (mode 0755), and so does
    /// anything in the way that is not one — a file, a dangling or looping symlink — as the layer tree
    /// inserts; without it, nil when some component is not a directory.
    func directory(_ path: String, create: Bool) throws -> Directory? {
        var budget = Self.maxSymlinks
        return try resolve(Self.components(path), from: [], create: create, budget: &budget)
    }

    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    }

    private func resolve(_ components: [Substring], from base: [String], create: Bool, budget: inout Int) throws -> Directory? {
        guard var current = try openReal(base) else { return nil }
        var closeCurrent = true
        defer { if closeCurrent { POSIXFile.closeQuietly(current.fd) } }
        for component in components {
            if component == ".." {
                guard !current.components.isEmpty else { continue }
                guard let parent = try openReal(Array(current.components.dropLast())) else { return nil }
                POSIXFile.closeQuietly(current.fd)
                current = parent
                continue
            }
            let name = String(component)
            let shown = display(current.components.isEmpty ? name : current.path + "/" + name)
            guard let next = try step(current, name, shown: shown, create: create, budget: &budget) else { return nil }
            POSIXFile.closeQuietly(current.fd)
            current = next
        }
        closeCurrent = false
        return current
    }

    /// The directory `name` inside `current`, following a symlink there within the root.
    private func step(_ current: Directory, _ name: String, shown: String, create: Bool, budget: inout Int) throws -> Directory? {
        switch try FileTree.kind(current.fd, name, display: shown) {
        case .directory:
            guard let fd = try FileTree.openDirectory(current.fd, name, display: shown) else { return nil }
            return Directory(fd: fd, components: current.components + [name])
        case .symlink:
            budget -= 1
            if budget >= 0, let target = try readLink(current.fd, name, display: shown) {
                let start = target.hasPrefix("/") ? [] : current.components
                if let resolved = try resolve(Self.components(target), from: start, create: false, budget: &budget) {
                    return resolved
                }
            }
            guard create else { return nil }
            try FileTree.remove(current.fd, name, display: shown)
        case .other:
            guard create else { return nil }
            try FileTree.remove(current.fd, name, display: shown)
        case .missing:
            guard create else { return nil }
        }
        try FileTree.makeDirectory(current.fd, name, display: shown)
        guard let fd = try FileTree.openDirectory(current.fd, name, display: shown) else {
            throw XArchError(.io, "cannot open the directory \(shown) just created")
        }
        return Directory(fd: fd, components: current.components + [name])
    }

    /// The target of the symlink `name` in `directory`; nil when it is no longer a symlink.
    private func readLink(_ directory: Int32, _ name: String, display: String) throws -> String? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = buffer.withUnsafeMutableBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { readlinkat(directory, name, $0, raw.count) }
        }
        guard n >= 0 else {
            if errno == EINVAL || errno == ENOENT { return nil }
            throw POSIXFile.error("read the link", display)
        }
        return String(decoding: buffer[..<n], as: UTF8.self)
    }
}
