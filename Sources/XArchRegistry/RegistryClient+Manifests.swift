import Foundation
import XArchContent
import XArchModel

/// Manifests: distribution-spec spec.md, "Pulling manifests", "Checking if content exists",
/// "Pushing Manifests", "Deleting Manifests".
extension RegistryClient {
    /// Every manifest and index type, so one GET answers whatever the reference names.
    static let acceptManifests = MediaType.manifestTypes.map(\.rawValue).joined(separator: ", ")

    public func manifest(_ reference: ManifestReference) async throws -> ManifestDocument {
        let request = RegistryRequest(method: "GET", url: url("manifests/\(reference)"),
                                      headers: [("Accept", Self.acceptManifests)], scope: scope("pull"))
        let response = try await send(request, expect: [200], what: "manifest \(repository):\(reference)")
        if let length = response.contentLength, length > Int64(limits.manifestPull) {
            throw XArchError(.tooLarge, "manifest \(repository):\(reference) is \(length) bytes, more than the \(limits.manifestPull)-byte limit")
        }
        let bytes: [UInt8]
        do {
            bytes = try await response.body.collect(limit: limits.manifestPull)
        } catch let error as XArchError where error.code == .tooLarge {
            throw XArchError(.tooLarge, "manifest \(repository):\(reference) is larger than the \(limits.manifestPull)-byte limit")
        }
        let declared = response.header("Content-Type").map { MediaType($0) }
        let document: ManifestDocument
        if case .digest(let digest) = reference {
            document = try ManifestDocument(bytes: bytes, declaredType: declared, digestAlgorithm: digest.algorithm)
            guard document.digest == digest else {
                throw XArchError(.digestMismatch, "\(registry) sent content for \(repository)@\(digest) whose digest is \(document.digest); refusing it")
            }
        } else {
            document = try ManifestDocument(bytes: bytes, declaredType: declared)
        }
        try checkContentDigest(response, matches: document.digest, bytes: bytes)
        return document
    }

    public func manifestDescriptor(_ reference: ManifestReference) async throws -> Descriptor? {
        let request = RegistryRequest(method: "HEAD", url: url("manifests/\(reference)"),
                                      headers: [("Accept", Self.acceptManifests)], scope: scope("pull"))
        let response = try await transport.send(request)
        if response.status == 404 { return nil }
        guard response.status == 200 else {
            throw await RegistryErrorBody.error(for: response, request: request,
                                                what: "manifest \(repository):\(reference)", registry: registry)
        }
        let type = response.header("Content-Type").map { MediaType($0).essence }
        if let header = response.header("Docker-Content-Digest"), let digest = try? Digest(parsing: header),
           let size = response.contentLength, let type, type.isManifest {
            if case .digest(let asked) = reference, asked != digest {
                throw XArchError(.digestMismatch, "\(registry) answered \(digest) for \(repository)@\(asked)")
            }
            return Descriptor(mediaType: type, digest: digest, size: size)
        }
        // Some registries omit the digest on HEAD: fall back to reading the manifest.
        return try await manifest(reference).descriptor
    }

    public func putManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws {
        _ = try await pushManifest(descriptor, bytes: bytes, tag: tag)
    }

    /// Pushes a manifest (under `tag`, else by digest) and returns the registry's response headers
    /// (`OCI-Subject` among them, for a manifest with a subject).
    func pushManifest(_ descriptor: Descriptor, bytes: [UInt8], tag: String?) async throws -> [(String, String)] {
        guard bytes.count <= limits.manifestPush else {
            throw XArchError(.tooLarge, "manifest \(descriptor.digest) is \(bytes.count) bytes; registries accept at most \(limits.manifestPush)")
        }
        guard Digest.of(bytes, algorithm: descriptor.digest.algorithm) == descriptor.digest,
              Int64(bytes.count) == descriptor.size else {
            throw XArchError(.digestMismatch, "manifest bytes do not match \(descriptor.digest); refusing to push them")
        }
        let reference = tag ?? descriptor.digest.description
        let request = RegistryRequest(method: "PUT", url: url("manifests/\(reference)"),
                                      headers: [("Content-Type", descriptor.mediaType.rawValue)],
                                      body: .bytes(bytes), scope: scope("pull,push"))
        let response = try await send(request, expect: [200, 201, 202], what: "manifest \(repository):\(reference)")
        await response.drain()
        if let header = response.header("Docker-Content-Digest"), let digest = try? Digest(parsing: header),
           digest.algorithm == descriptor.digest.algorithm, digest != descriptor.digest {
            throw XArchError(.digestMismatch, "\(registry) stored \(repository):\(reference) as \(digest), not \(descriptor.digest)")
        }
        return response.headers
    }

    public func deleteManifest(_ reference: ManifestReference) async throws {
        let digest: Digest
        switch reference {
        case .digest(let d): digest = d
        case .tag:
            guard let found = try await manifestDescriptor(reference) else {
                throw XArchError(.notFound, "manifest \(repository):\(reference) not found in \(registry)")
            }
            digest = found.digest
        }
        let request = RegistryRequest(method: "DELETE", url: url("manifests/\(digest)"), scope: scope("delete"))
        await (try send(request, expect: [200, 202], what: "manifest \(repository)@\(digest)")).drain()
    }

    /// `Docker-Content-Digest`, when present, must name the content received.
    func checkContentDigest(_ response: RegistryResponse, matches digest: Digest, bytes: [UInt8]) throws {
        guard let header = response.header("Docker-Content-Digest") else { return }
        guard let claimed = try? Digest(parsing: header.trimmingCharacters(in: .whitespaces)) else {
            throw XArchError(.digestMismatch, "\(registry) sent an invalid Docker-Content-Digest \"\(header.prefix(80))\"")
        }
        let actual = claimed.algorithm == digest.algorithm ? digest : Digest.of(bytes, algorithm: claimed.algorithm)
        guard claimed == actual else {
            throw XArchError(.digestMismatch, "\(registry) says the content is \(claimed) but it hashes to \(actual); refusing it")
        }
    }
}
