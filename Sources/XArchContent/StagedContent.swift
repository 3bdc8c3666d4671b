import XArchModel

/// A sink whose writes become visible only when it is committed: an archive file is written whole at the
/// end (a temporary file beside it, renamed into place), so a failed or interrupted write leaves nothing.
public protocol StagedContentSink: ContentSink {
    /// Makes what was written visible (writes the archive and renames it into place); returns the notes
    /// the writer has for the user (which platform went into a one-platform archive, say).
    func commit() async throws -> [String]
    /// Drops what was written; errors are ignored (the caller is already failing).
    func discard()
}

/// A sink that may hold a single image only, never an index (`docker save`'s format): a copy into it
/// picks one platform of an index first, with the matcher `xarch resolve` uses.
public protocol SinglePlatformSink: ContentSink {
    /// The platform picked when the copy names none (the host's); nil when the sink takes indexes.
    var singlePlatformDefault: Platform? { get }
}

extension OpenedDestination {
    /// Runs `body`, which writes into this destination, then commits a staged store (or discards it
    /// when `body` throws). Returns what `body` returned and the store's notes.
    public func finishing<T>(_ body: () async throws -> T) async throws -> (T, notes: [String]) {
        guard let staged = store as? any StagedContentSink else { return (try await body(), []) }
        let result: T
        do {
            result = try await body()
        } catch {
            staged.discard()
            throw error
        }
        do {
            return (result, try await staged.commit())
        } catch {
            staged.discard()
            throw error
        }
    }
}
