import Foundation
import XArchContent
import XArchModel

/// Blobs: distribution-spec spec.md, "Pulling blobs" (with `Range`, RFC 9110 §14) and "Checking if
/// content exists".
extension RegistryClient {
    public func blobSize(_ digest: Digest) async throws -> Int64? {
        let request = RegistryRequest(method: "HEAD", url: url("blobs/\(digest)"), scope: scope("pull"))
        let response = try await transport.send(request)
        if response.status == 404 { return nil }
        guard response.status == 200 else {
            throw await RegistryErrorBody.error(for: response, request: request, what: "blob \(digest)", registry: registry)
        }
        return response.contentLength ?? 0
    }

    public func hasBlob(_ digest: Digest) async throws -> Bool { try await blobSize(digest) != nil }

    /// Streams a blob, hashing as it goes; a broken download is resumed with `Range` from where it broke,
    /// and the stream throws at its end unless the bytes are exactly `descriptor`'s.
    public func blob(_ descriptor: Descriptor) async throws -> ByteStream {
        let download = BlobDownload(client: self, descriptor: descriptor)
        let first = try await download.open(at: 0)
        return ByteStream {
            let state = DownloadState(download: download, response: first)
            return { try await state.next() }
        }
    }
}

/// How to (re)open a blob download at an offset.
struct BlobDownload: Sendable {
    let client: RegistryClient
    let descriptor: Descriptor

    var what: String { "blob \(descriptor.digest)" }

    /// GET the blob from `offset`; returns the body positioned at `offset`.
    func open(at offset: Int64) async throws -> ByteStream {
        // Judged by rate (RegistryTimeouts: minimum bytes per window), not by one deadline: blobs
        // may take hours on a slow link but never stall.
        var request = RegistryRequest(method: "GET", url: client.url("blobs/\(descriptor.digest)"),
                                      scope: client.scope("pull"), pace: .throughput)
        if offset > 0 { request.setHeader("Range", "bytes=\(offset)-") }
        let response = try await client.send(request, expect: [200, 206], what: "\(client.repository)@\(descriptor.digest)")
        if let length = response.contentLength, response.status == 200, length != descriptor.size {
            await response.drain()
            throw XArchError(.digestMismatch, "\(client.registry) announces \(length) bytes for \(what), but it has \(descriptor.size)")
        }
        if response.status == 206 {
            let range = response.header("Content-Range") ?? ""
            guard range.hasPrefix("bytes \(offset)-") else {
                await response.drain()
                throw XArchError(.registry, "\(client.registry) resumed \(what) at the wrong place (\(range))")
            }
        }
        return response.status == 200 && offset > 0 ? try await skip(offset, of: response.body) : response.body
    }

    /// A server that ignores `Range` sends everything again: skip what was already read.
    private func skip(_ count: Int64, of body: ByteStream) async throws -> ByteStream {
        ByteStream {
            let skipped = SkippingStream(body: body, skip: count)
            return { try await skipped.next() }
        }
    }
}

/// The resumable, verifying state of one download. Used by one consumer at a time.
final class DownloadState {
    let download: BlobDownload
    var iterator: ByteStream.AsyncIterator?
    var hasher: DigestHasher
    var offset: Int64 = 0
    var resumesLeft: Int
    var finished = false

    init(download: BlobDownload, response: ByteStream) {
        self.download = download
        self.iterator = response.makeAsyncIterator()
        self.hasher = DigestHasher(download.descriptor.digest.algorithm)
        self.resumesLeft = download.client.limits.downloadResumes
    }

    func next() async throws -> [UInt8]? {
        guard !finished else { return nil }
        while true {
            if iterator == nil { iterator = try await download.open(at: offset).makeAsyncIterator() }
            let chunk: [UInt8]?
            do {
                chunk = try await iterator?.next()
            } catch let error as XArchError where error.code == .network && resumesLeft > 0 {
                try await resume()
                continue
            }
            guard let chunk else {
                if offset < download.descriptor.size, resumesLeft > 0 {
                    try await resume()
                    continue
                }
                try verify()
                return nil
            }
            offset += Int64(chunk.count)
            guard offset <= download.descriptor.size else {
                throw XArchError(.digestMismatch, "\(download.client.registry) sent more than the \(download.descriptor.size) bytes of \(download.what)")
            }
            hasher.update(chunk)
            return chunk
        }
    }

    private func resume() async throws {
        resumesLeft -= 1
        iterator = nil
        try await Task.sleep(nanoseconds: 200_000_000)
    }

    private func verify() throws {
        finished = true
        let d = download.descriptor
        guard offset == d.size else {
            throw XArchError(.digestMismatch, "\(download.what) ended after \(offset) of \(d.size) bytes")
        }
        let actual = hasher.finalize()
        guard actual == d.digest else {
            throw XArchError(.digestMismatch, "\(download.client.registry) sent bytes for \(d.digest) that hash to \(actual); refusing them")
        }
    }
}

/// Drops the first `skip` bytes of a body.
final class SkippingStream {
    var iterator: ByteStream.AsyncIterator
    var remaining: Int64

    init(body: ByteStream, skip: Int64) {
        iterator = body.makeAsyncIterator()
        remaining = skip
    }

    func next() async throws -> [UInt8]? {
        while let chunk = try await iterator.next() {
            if remaining == 0 { return chunk }
            if Int64(chunk.count) <= remaining { remaining -= Int64(chunk.count); continue }
            let rest = Array(chunk[Int(remaining)...])
            remaining = 0
            return rest
        }
        return nil
    }
}
