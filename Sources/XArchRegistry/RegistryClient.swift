import Foundation
import XArchContent
import XArchModel

/// One repository of a registry, spoken to over the distribution spec's HTTP API (distribution-spec
/// spec.md, "Endpoints"). Implements the content protocols, so copy, inspect and resolve use it exactly
/// as they use an OCI layout.
public struct RegistryClient: ContentSource, ContentSink, ContentDeleter, BlobOriginProviding, RequestCounting {
    /// The registry as written in references (`docker.io`, `localhost:5000`).
    public let registry: String
    public let repository: String
    /// `scheme://host[:port]` the API lives at.
    public let baseURL: String
    let transport: any RegistryTransport
    let counter: RequestCounter
    let limits: RegistryLimits

    init(registry: String, repository: String, baseURL: String, transport: any RegistryTransport,
         counter: RequestCounter, limits: RegistryLimits) {
        self.registry = registry
        self.repository = repository
        self.baseURL = baseURL
        self.transport = transport
        self.counter = counter
        self.limits = limits
    }

    public var displayName: String { "\(registry)/\(repository)" }
    public var blobOrigin: BlobOrigin { BlobOrigin(registry: registry, repository: repository) }
    public func requestCounts() async -> [String: Int] { await counter.requestCounts() }
    public var requestCounterIdentity: ObjectIdentifier { ObjectIdentifier(counter) }

    /// `repository:NAME:ACTIONS`, the token scope of a request (distribution token scope grammar).
    func scope(_ actions: String) -> String { "repository:\(repository):\(actions)" }

    /// `BASE/v2/REPOSITORY/PATH`.
    func url(_ path: String) -> String { "\(baseURL)/v2/\(repository)/\(path)" }

    /// Sends `request` and checks its status; other statuses become one clear error.
    func send(_ request: RegistryRequest, expect: Set<Int>, what: String) async throws -> RegistryResponse {
        let response = try await transport.send(request)
        guard expect.contains(response.status) else {
            throw await RegistryErrorBody.error(for: response, request: request, what: what, registry: registry)
        }
        return response
    }
}

/// Size caps on what a registry sends and receives (every body from the network is capped, so a hostile registry cannot exhaust memory).
public struct RegistryLimits: Sendable {
    public var manifestPull = ManifestDocument.maxSize
    public var manifestPush = 4 * 1024 * 1024
    public var errorBody = 64 * 1024
    public var tagsPage = 4 * 1024 * 1024
    /// Broken blob downloads are resumed with `Range` this many times.
    public var downloadResumes = 3
    /// Blobs at least this large are uploaded in chunks (PATCH); smaller ones in one streamed PUT.
    public var chunkThreshold: Int64 = 1 << 40
    /// Chunk size of chunked uploads, raised to the registry's `OCI-Chunk-Min-Length`.
    public var chunkSize = 16 * 1024 * 1024
    /// Tags asked for per page (`n`).
    public var tagPageSize = 1000
    public init() {}
}
