import Foundation
import XArchContent
import XArchModel

/// Uploads: distribution-spec spec.md, "Pushing blobs" (POST then monolithic PUT; chunked PATCH with
/// `Content-Range` and `OCI-Chunk-Min-Length`; upload status with `Range` after a 416) and "Mounting a
/// blob from another repository".
extension RegistryClient: BlobMounting {
    public func putBlob(_ descriptor: Descriptor, from stream: ByteStream) async throws {
        let session = try await startUpload()
        if descriptor.size >= chunkThreshold {
            try await uploadChunked(descriptor, from: stream, session: session)
        } else {
            try await finishUpload(descriptor, at: session.location, body: .stream(stream, length: descriptor.size))
        }
    }

    public func canMount(from origin: BlobOrigin) -> Bool {
        origin.registry == registry && origin.repository != repository
    }

    public func mountBlob(_ descriptor: Descriptor, from origin: BlobOrigin) async throws -> Bool {
        guard canMount(from: origin) else { return false }
        let query = "mount=\(descriptor.digest)&from=\(origin.repository.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? origin.repository)"
        let request = RegistryRequest(method: "POST", url: url("blobs/uploads/?\(query)"),
                                      scope: "\(scope("pull,push")) repository:\(origin.repository):pull")
        let response = try await transport.send(request)
        await response.drain()
        switch response.status {
        case 201:
            return true
        case 202:
            // The registry started an upload instead; cancel it, the caller uploads.
            if let location = response.header("Location") {
                let cancel = RegistryRequest(method: "DELETE", url: resolve(location), scope: scope("pull,push"))
                if let r = try? await transport.send(cancel) { await r.drain() }
            }
            return false
        default:
            return false
        }
    }

    var chunkThreshold: Int64 { limits.chunkThreshold }

    struct UploadSession {
        var location: String
        var minimumChunk: Int
    }

    func startUpload() async throws -> UploadSession {
        let request = RegistryRequest(method: "POST", url: url("blobs/uploads/"), headers: [("Content-Length", "0")],
                                      scope: scope("pull,push"))
        let response = try await send(request, expect: [202], what: "upload to \(repository)")
        await response.drain()
        guard let location = response.header("Location") else {
            throw XArchError(.registry, "\(registry) started an upload without a Location header")
        }
        let minimum = response.header("OCI-Chunk-Min-Length").flatMap { Int($0) } ?? 0
        return UploadSession(location: resolve(location), minimumChunk: minimum)
    }

    func finishUpload(_ descriptor: Descriptor, at location: String, body: RequestBody) async throws {
        let length: Int64
        switch body {
        case .none: length = 0
        case .bytes(let b): length = Int64(b.count)
        case .stream(_, let l): length = l
        }
        let request = RegistryRequest(method: "PUT", url: appending(query: "digest=\(descriptor.digest)", to: location),
                                      headers: [("Content-Type", "application/octet-stream"), ("Content-Length", "\(length)")],
                                      body: body, scope: scope("pull,push"), deadline: 6 * 3600)
        let response = try await send(request, expect: [201, 204], what: "blob \(descriptor.digest)")
        await response.drain()
        if let header = response.header("Docker-Content-Digest"), let stored = try? Digest(parsing: header),
           stored.algorithm == descriptor.digest.algorithm, stored != descriptor.digest {
            throw XArchError(.digestMismatch, "\(registry) stored the upload as \(stored), not \(descriptor.digest)")
        }
    }

    /// PATCH chunk by chunk, each held in memory (bounded by the chunk size), then the closing PUT.
    /// After a 416 the upload's status (`GET` → `Range: 0-N`) says where to go on.
    func uploadChunked(_ descriptor: Descriptor, from stream: ByteStream, session: UploadSession) async throws {
        let chunkSize = max(limits.chunkSize, session.minimumChunk)
        var location = session.location
        var offset: Int64 = 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkSize)
        var iterator = stream.makeAsyncIterator()
        var ended = false
        while !ended {
            while buffer.count < chunkSize, let chunk = try await iterator.next() { buffer += chunk }
            if buffer.count < chunkSize { ended = true }
            guard !buffer.isEmpty else { break }
            location = try await patch(buffer, at: offset, location: location)
            offset += Int64(buffer.count)
            buffer.removeAll(keepingCapacity: true)
        }
        try await finishUpload(descriptor, at: location, body: .none)
    }

    private func patch(_ chunk: [UInt8], at offset: Int64, location: String) async throws -> String {
        var start = offset
        var location = location
        for _ in 0..<3 {
            let slice = Array(chunk[Int(start - offset)...])
            let end = start + Int64(slice.count) - 1
            let request = RegistryRequest(method: "PATCH", url: location,
                                          headers: [("Content-Type", "application/octet-stream"),
                                                    ("Content-Range", "\(start)-\(end)"), ("Content-Length", "\(slice.count)")],
                                          body: .bytes(slice), scope: scope("pull,push"), deadline: 600)
            let response = try await transport.send(request)
            await response.drain()
            if response.status == 202, let next = response.header("Location") { return resolve(next) }
            guard response.status == 416 else {
                throw await RegistryErrorBody.error(for: response, request: request, what: "upload chunk", registry: registry)
            }
            let status = try await transport.send(RegistryRequest(method: "GET", url: location, scope: scope("pull,push")))
            await status.drain()
            let range = status.header("Range") ?? ""
            guard let last = range.split(separator: "-").last.flatMap({ Int64($0) }), last + 1 >= offset,
                  last + 1 <= offset + Int64(chunk.count) else {
                throw XArchError(.registry, "\(registry) lost track of the upload (Range \(range))")
            }
            if last + 1 == offset + Int64(chunk.count) { return status.header("Location").map(resolve) ?? location }
            start = last + 1
            location = status.header("Location").map(resolve) ?? location
        }
        throw XArchError(.registry, "\(registry) kept refusing an upload chunk")
    }

    /// A `Location` may be relative to the registry.
    func resolve(_ location: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        return baseURL + (location.hasPrefix("/") ? "" : "/") + location
    }

    func appending(query: String, to url: String) -> String {
        url + (url.contains("?") ? "&" : "?") + query
    }
}
