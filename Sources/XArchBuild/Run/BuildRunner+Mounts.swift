import Foundation
import XArchArchive
import XArchModel
import XArchRun

/// What `RUN --mount` needs from the runner: cache directories (kept between builds, leased for
/// `sharing=locked|private`, seeded by `from=`), private files (secrets, here-document scripts) and
/// scratch copies of context files for read-write binds.
extension BuildRunner {
    /// The directory of a cache mount: one per id and platform, kept between builds, created with the
    /// mount's owner and mode; and the lease that holds it for `locked` and `private` sharing (release it
    /// when the RUN is over). `private` finding it held by another RUN gets a fresh directory of this build.
    func cacheMount(id: String, platform: Platform, mode: UInt32, uid: UInt32, gid: UInt32,
                    sharing: RunMount.Sharing = .shared) async throws -> (path: String, lease: CacheLease?) {
        let digest = Digest.of(Array("\(id)\u{0}\(platform.formatted)".utf8), algorithm: .sha256)
        var path = "\(cacheMounts)/\(digest.encoded.prefix(32))"
        if !mountsSwept {
            // what builds killed while seeding a cache (`seedCache`) left
            mountsSwept = true
            StaleWork.sweep(cacheMounts, marker: ".tmp-")
        }
        try POSIXFile.makeDirectories(path)
        var lease: CacheLease?
        if sharing != .shared {
            lease = try await CacheLease.acquire(path + ".lock", wait: sharing == .locked)
            if lease == nil { path = try fresh("cache") }
        }
        if chown(path, uid, gid) != 0, geteuid() == 0 { throw POSIXFile.error("set the owner of", path) }
        guard chmod(path, mode_t(mode & 0o7777)) == 0 else { throw POSIXFile.error("set the mode of", path) }
        return (path, lease)
    }

    /// Fills the empty cache directory `path` with `entries` (`--mount=type=cache,from=`): written into a
    /// directory beside it, then put in its place only if it is still empty (a concurrent build that
    /// seeded it first wins).
    func seedCache(_ path: String, with entries: LayerEntries) throws {
        let seed = StaleWork.name(path + ".tmp-")
        guard mkdir(seed, 0o755) == 0 else { throw POSIXFile.error("create directory", seed) }
        do {
            try LayerMaterializer.write(entries, into: seed)
            var st = stat()
            guard stat(path, &st) == 0, chown(seed, st.st_uid, st.st_gid) == 0 || geteuid() != 0,
                  chmod(seed, st.st_mode & 0o7777) == 0 else { throw POSIXFile.error("set the owner and mode of", seed) }
            if rmdir(path) == 0 {
                guard rename(seed, path) == 0 else { throw POSIXFile.error("rename", seed) }
            } else {
                try RootFilesystem.remove(seed)
            }
        } catch {
            try? RootFilesystem.remove(seed)
            throw error
        }
    }

    /// A private file of `bytes` (a secret, mode 0400 by default, or a here-document script) for one RUN to
    /// mount read-only, owned by `uid:gid`; removed with the work directory.
    func stageFile(_ bytes: [UInt8], mode: UInt32 = 0o400, uid: UInt32 = 0, gid: UInt32 = 0) throws -> String {
        counter += 1
        let directory = "\(work)/secrets"
        if mkdir(directory, 0o700) != 0, errno != EEXIST { throw POSIXFile.error("create directory", directory) }
        let path = "\(directory)/\(counter)"
        let fd = try POSIXFile.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o600, verb: "create")
        defer { POSIXFile.closeQuietly(fd) }
        try bytes.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: path) }
        if fchown(fd, uid, gid) != 0, geteuid() == 0 { throw POSIXFile.error("set the owner of", path) }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw POSIXFile.error("set the mode of", path) }
        return path
    }

    /// A copy of a context directory or file for a read-write bind mount (its writes are discarded).
    func scratchCopy(of source: String) throws -> String {
        let path = try fresh("bind")
        do {
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: source, toPath: path)
        } catch {
            throw XArchError(.io, "cannot copy \(source) for a read-write bind mount", cause: error)
        }
        return path
    }
}
