import Synchronization
import Foundation
import XArchContent
import XArchModel

/// The work of one job: a blob skipped, mounted or streamed; a manifest written with its exact bytes.
struct CopyTransfer: Sendable {
    let source: any ContentSource
    let destination: any ContentStore
    let force: Bool
    let progress: (@Sendable (CopyEvent) -> Void)?

    /// What a job did; `bytes` is what was streamed.
    struct Result: Sendable {
        var outcome: CopyEvent.Outcome
        var bytes: Int64 = 0
    }

    func perform(_ job: CopyJob) async throws -> Result {
        switch job {
        case .blob(let descriptor):
            progress?(.blobStarted(descriptor))
            let result = try await copyBlob(descriptor)
            progress?(.blobDone(descriptor, result.outcome))
            return result
        case .manifest(let manifest, let tag):
            try await destination.putManifest(manifest.descriptor, bytes: manifest.bytes, tag: tag)
            progress?(.manifestDone(manifest.descriptor, .copied, tag: tag))
            return Result(outcome: .copied)
        }
    }

    /// Skips a blob the destination has; else mounts it when the destination can mount from where the
    /// source keeps it (distribution spec, "Mounting a blob from another repository"), and streams it
    /// when the mount is declined. The bytes are never held whole: the destination reads the source's
    /// stream chunk by chunk and verifies digest and size.
    private func copyBlob(_ descriptor: Descriptor) async throws -> Result {
        if !force, try await destination.hasBlob(descriptor.digest) {
            return Result(outcome: .skipped)
        }
        if let mounting = destination as? any BlobMounting, let origin = origin(of: descriptor.digest),
           mounting.canMount(from: origin), try await mounting.mountBlob(descriptor, from: origin) {
            return Result(outcome: .mounted)
        }
        // A streamed upload cannot be replayed by the HTTP layer, so a transfer that breaks on a
        // temporary failure is started again from the source, a few times, with a growing pause.
        var attempt = 1
        while true {
            let counter = CopyByteCounter()
            do {
                let stream = try await source.blob(descriptor)
                try await destination.putBlob(descriptor, from: counted(stream, descriptor, counter))
                return Result(outcome: .copied, bytes: counter.value)
            } catch let error as XArchError where error.isTemporary && attempt < Self.transferAttempts {
                try Task.checkCancellation()
                try await Task.sleep(nanoseconds: UInt64(attempt) * 500_000_000)
                attempt += 1
            }
        }
    }

    /// Where the source keeps `digest`, for a mount: per blob when the source knows, else the source's
    /// one repository.
    private func origin(of digest: Digest) -> BlobOrigin? { Self.origin(of: digest, in: source) }

    /// Where `source` keeps `digest`: per blob when it knows, else its one repository; nil when neither.
    static func origin(of digest: Digest, in source: any ContentSource) -> BlobOrigin? {
        if let perBlob = source as? any PerBlobOriginProviding { return perBlob.blobOrigin(of: digest) }
        return (source as? any BlobOriginProviding)?.blobOrigin
    }

    /// How often one blob transfer is attempted in all.
    static let transferAttempts = 3

    /// `stream`, counting the bytes that pass (reported per chunk) and stopping with a
    /// `CancellationError` once the copy is cancelled (another job failed).
    private func counted(_ stream: ByteStream, _ descriptor: Descriptor, _ counter: CopyByteCounter) -> ByteStream {
        let progress = self.progress
        return ByteStream {
            let reader = CopyStreamReader(stream.makeAsyncIterator())
            counter.reset()
            return {
                try Task.checkCancellation()
                guard let chunk = try await reader.next() else { return nil }
                let total = counter.add(chunk.count)
                progress?(.blobProgress(descriptor.digest, bytes: total, total: descriptor.size))
                return chunk
            }
        }
    }
}

/// Bytes read through a counted stream (its last pass, if the destination reads it more than once).
final class CopyByteCounter: Sendable {
    private let count = Mutex<Int64>(0)

    var value: Int64 { count.withLock { $0 } }

    func add(_ n: Int) -> Int64 { count.withLock { $0 += Int64(n); return $0 } }

    func reset() { count.withLock { $0 = 0 } }
}

/// The iterator of a wrapped stream. Used by one consumer at a time, sequentially, as an
/// `AsyncIteratorProtocol` is.
final class CopyStreamReader {
    private var iterator: ByteStream.AsyncIterator

    init(_ iterator: ByteStream.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> [UInt8]? { try await iterator.next() }
}
