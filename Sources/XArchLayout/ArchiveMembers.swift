import XArchArchive
import XArchContent
import XArchModel

/// The files of an image archive (`oci-archive`, `docker-archive`), indexed once: each member's name
/// and where its bytes lie in the tar file, so that a member is read by seeking to its offset, in any
/// order, never by extracting the archive or holding a blob in memory.
///
/// Indexing refuses what a safe extractor refuses (moby `pkg/archive`, containers/image
/// `tarfile.Reader`): a name that climbs out of the archive (`../x`) or is absolute, a name given
/// twice or both as a file and a directory, links that lead outside the archive or nowhere, special
/// files, and a truncated or malformed tar. Symbolic and hard links between members (`docker save`
/// links identical layers) are followed.
struct ArchiveMembers: Sendable {
    /// Where one member's content lies in the file.
    struct Member: Sendable, Hashable {
        var offset: Int64
        var size: Int64
    }

    /// The tar file.
    let file: String
    /// The archive as written (`oci-archive:x.tar`), for messages.
    let name: String
    /// Regular files (and links resolved to them), by cleaned name.
    let members: [String: Member]

    /// Most links followed from one name.
    static let maxLinkDepth = 16

    /// Indexes the tar file at `file`.
    static func index(file: String, name: String) async throws -> ArchiveMembers {
        guard let st = try POSIXFile.status(file) else {
            throw XArchError(.notFound, "\(name): \(file) does not exist")
        }
        guard POSIXFile.isRegular(st) else {
            throw XArchError(.invalidInput, "\(name): \(file) is \(POSIXFile.kind(of: st)), not an archive file")
        }
        var files: [String: Member] = [:]
        var directories: Set<String> = []
        var links: [String: String] = [:]
        let reader = TarReader(FileStream.open(file), prefixLimit: 0)
        do {
            while let entry = try await reader.next() {
                let path = try cleanName(entry.path, name: name)
                guard !path.isEmpty else { continue }
                if entry.kind == .directory {
                    directories.insert(path)
                    continue
                }
                guard files[path] == nil, links[path] == nil else {
                    throw XArchError(.invalidInput, "\(name) holds the member \(quote(path)) twice; refusing an archive whose members conflict")
                }
                switch entry.kind {
                case .regular:
                    files[path] = Member(offset: reader.offset - TarHeader.padded(entry.size), size: entry.size)
                case .symlink:
                    guard !entry.linkTarget.hasPrefix("/") else { throw outside(path, entry.linkTarget, name) }
                    links[path] = try cleanLink(TarPath.join(TarPath.split(path).parent, entry.linkTarget), path, entry.linkTarget, name)
                case .hardLink:
                    links[path] = try cleanLink(entry.linkTarget, path, entry.linkTarget, name)
                default:
                    throw XArchError(.invalidInput, "\(name) holds \(quote(path)), which is neither a file, a directory nor a link; refusing it")
                }
            }
        } catch let error as XArchError {
            guard error.message.hasPrefix(name) else {
                let message = error.message.replacing("the layer is truncated", with: "the archive is truncated")
                    .replacing("the layer ", with: "the archive ")
                throw XArchError(error.code, "\(name) is not a valid tar archive: \(message)", cause: error)
            }
            throw error
        }
        if let clash = directories.first(where: { files[$0] != nil || links[$0] != nil }) {
            throw XArchError(.invalidInput, "\(name) holds \(quote(clash)) both as a file and as a directory; refusing an archive whose members conflict")
        }
        for (path, _) in links {
            var target = path
            var depth = 0
            while let next = links[target] {
                depth += 1
                guard depth <= maxLinkDepth else {
                    throw XArchError(.invalidInput, "\(name): the link \(quote(path)) leads through more than \(maxLinkDepth) links; refusing it")
                }
                target = next
            }
            guard let member = files[target] else {
                throw XArchError(.invalidInput, "\(name): the link \(quote(path)) points at \(quote(target)), which is not a file of the archive")
            }
            files[path] = member
        }
        return ArchiveMembers(file: file, name: name, members: files)
    }

    /// The member `path` names (cleaned as a member name is), or nil; a name that climbs out of the
    /// archive or is absolute (a `manifest.json` pointing outside) is an error.
    func member(_ path: String, what: String) throws -> Member? {
        guard case .path(let clean, wasAbsolute: false) = TarPath.clean(path), !clean.isEmpty else {
            throw XArchError(.invalidInput, "\(name): \(what) \(Self.quote(path)) points outside the archive; refusing it")
        }
        return members[clean]
    }

    /// The whole content of a small member (a manifest, `index.json`), refusing more than `limit` bytes.
    func read(_ member: Member, limit: Int, what: String) throws -> [UInt8] {
        guard member.size <= Int64(limit) else {
            throw XArchError(.tooLarge, "\(name): \(what) is \(member.size) bytes, more than the \(limit)-byte limit for it")
        }
        let bytes = try LocalFile.readAll(file, offset: member.offset, count: Int(member.size))
        guard bytes.count == Int(member.size) else {
            throw XArchError(.invalidInput, "\(name): the archive ends inside \(what); it is truncated")
        }
        return bytes
    }

    /// Streams a member in 1 MiB chunks read at their offsets; with `expected`, the stream throws at its
    /// end when the bytes do not have its size and digest.
    func stream(_ member: Member, expected: Descriptor?) -> ByteStream {
        let (file, name) = (self.file, self.name)
        return ByteStream {
            let reader = MemberReader(file: file, archive: name, member: member, expected: expected)
            return { try reader.next() }
        }
    }

    /// The digest of a member, computed by streaming it.
    func digest(of member: Member) async throws -> Digest {
        var hasher = DigestHasher(.sha256)
        for try await chunk in stream(member, expected: nil) { hasher.update(chunk) }
        return hasher.finalize()
    }

    private static func cleanName(_ raw: String, name: String) throws -> String {
        switch TarPath.clean(raw) {
        case .escapes:
            throw XArchError(.invalidInput, "\(name) holds the member \(quote(raw)), which climbs out of the archive; refusing it")
        case .path(_, wasAbsolute: true):
            throw XArchError(.invalidInput, "\(name) holds the member \(quote(raw)), an absolute name; refusing it")
        case .path(let clean, wasAbsolute: false):
            return clean
        }
    }

    private static func cleanLink(_ joined: String, _ path: String, _ target: String, _ name: String) throws -> String {
        guard case .path(let clean, wasAbsolute: false) = TarPath.clean(joined), !clean.isEmpty else {
            throw outside(path, target, name)
        }
        return clean
    }

    private static func outside(_ path: String, _ target: String, _ name: String) -> XArchError {
        XArchError(.invalidInput, "\(name) holds the link \(quote(path)) to \(quote(target)), which points outside the archive; refusing it")
    }

    static func quote(_ text: String) -> String { String(text.prefix(300)).debugDescription }
}

/// Reads one member by offset for one iteration of a `ByteStream`, hashing it when a descriptor is
/// expected. Used by exactly one iterator, in the task that made it.
private final class MemberReader {
    static let chunkSize: Int64 = 1024 * 1024

    let file: String
    let archive: String
    let member: ArchiveMembers.Member
    let expected: Descriptor?
    private var handle: LocalFile?
    private var hasher: DigestHasher
    private var position: Int64 = 0
    private var finished = false

    init(file: String, archive: String, member: ArchiveMembers.Member, expected: Descriptor?) {
        (self.file, self.archive, self.member, self.expected) = (file, archive, member, expected)
        hasher = DigestHasher(expected?.digest.algorithm ?? .sha256)
    }

    deinit { handle?.close() }

    func next() throws -> [UInt8]? {
        guard !finished else { return nil }
        do {
            let handle = try self.handle ?? LocalFile.openForReading(file)
            self.handle = handle
            let want = Int(min(Self.chunkSize, member.size - position))
            guard want > 0 else {
                try finish()
                return nil
            }
            let offset = member.offset + position
            let chunk = try [UInt8](unsafeUninitializedCapacity: want) { buffer, count in
                count = try handle.read(at: offset, into: UnsafeMutableRawBufferPointer(buffer))
            }
            guard !chunk.isEmpty else {
                throw XArchError(.invalidInput, "\(archive): the archive file ends inside a member; it is truncated or was changed while being read")
            }
            position += Int64(chunk.count)
            if expected != nil { hasher.update(chunk) }
            return chunk
        } catch {
            close()
            throw error
        }
    }

    private func finish() throws {
        close()
        guard let expected else { return }
        guard member.size == expected.size else {
            throw XArchError(.digestMismatch, "\(archive): blob \(expected.digest) is \(member.size) bytes in the archive, not the \(expected.size) its descriptor says")
        }
        let actual = hasher.finalize()
        guard actual == expected.digest else {
            throw XArchError(.digestMismatch, "\(archive): blob \(expected.digest) has digest \(actual) in the archive; the archive is corrupt")
        }
    }

    private func close() {
        handle?.close()
        handle = nil
        finished = true
    }
}
