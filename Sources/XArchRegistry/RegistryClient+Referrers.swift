import Foundation
import XArchContent
import XArchModel

/// Referrers: distribution-spec spec.md, "Listing Referrers" (the referrers API, paginated with `Link`),
/// "Pushing Manifests with Subject" (the `OCI-Subject` answer) and "Referrers Tag Schema" (the
/// `<alg>-<ref>` tag holding an image index of referrer descriptors, for registries without the API).
extension RegistryClient: ReferrersListing, ReferrersRecording {
    /// Pages of a referrers list followed at most.
    static let maxReferrerPages = 100
    /// Read-merge-write rounds of a fallback tag update before giving up.
    static let fallbackAttempts = 5

    /// The referrers of `digest`: from the referrers API when the registry offers it, else from the
    /// fallback tag `sha256-<hex>` (empty when that tag does not exist).
    public func referrers(of digest: Digest) async throws -> [Descriptor] {
        if let listed = try await referrersFromAPI(digest) { return listed }
        return try await fallbackIndex(of: digest)?.manifests ?? []
    }

    /// The referrers API's answer, all pages; nil when the registry does not offer the API (404, 405 or
    /// 400, or a 200 that is not an image index, as registries predating it answer unknown paths).
    func referrersFromAPI(_ digest: Digest) async throws -> [Descriptor]? {
        var next: String? = url("referrers/\(digest)")
        var all: [Descriptor] = []
        var pages = 0
        while let page = next, pages < Self.maxReferrerPages {
            pages += 1
            let request = RegistryRequest(method: "GET", url: page, headers: [("Accept", MediaType.ociIndex.rawValue)],
                                          scope: scope("pull"))
            let response = try await transport.send(request)
            let isIndex = response.header("Content-Type").map { MediaType($0).essence == .ociIndex } ?? false
            guard response.status == 200, isIndex else {
                if pages == 1, [200, 400, 404, 405].contains(response.status) {
                    await response.drain()
                    return nil
                }
                throw await RegistryErrorBody.error(for: response, request: request, what: "referrers of \(digest)", registry: registry)
            }
            let bytes: [UInt8]
            do {
                bytes = try await response.body.collect(limit: limits.manifestPull)
            } catch let error as XArchError where error.code == .tooLarge {
                throw XArchError(.tooLarge, "the referrers list of \(repository)@\(digest) is larger than the \(limits.manifestPull)-byte limit", cause: error)
            }
            all += try CanonicalJSON.decode(ImageIndex.self, from: bytes, what: "referrers list of \(repository)@\(digest)").manifests
            next = Self.nextLink(response.headers("Link")).map(resolve)
        }
        return all
    }

    /// The index the fallback tag of `digest` holds, or nil when the tag does not exist. A tag of that
    /// name holding anything but an OCI image index is an error: it is not a referrers list.
    func fallbackIndex(of digest: Digest) async throws -> ImageIndex? {
        let tag = digest.referrersTag
        guard let found = try await manifestDescriptor(.tag(tag)) else { return nil }
        let document = try await manifest(.digest(found.digest))
        guard document.mediaType == .ociIndex, let index = document.index else {
            throw XArchError(.invalidInput, "\(displayName):\(tag) should hold the referrers of \(digest) as an OCI image index, but holds a \(document.mediaType); xarch leaves it alone")
        }
        return index
    }

    /// Pushes a manifest with a subject by digest (distribution-spec, "Pushing Manifests with
    /// Subject"). True when the registry answered `OCI-Subject` naming the subject: it lists the
    /// referrer itself; false when the fallback tag must be updated (`addReferrers`).
    public func putReferrer(_ descriptor: Descriptor, bytes: [UInt8]) async throws -> Bool {
        let headers = try await pushManifest(descriptor, bytes: bytes, tag: nil)
        guard let subject = try ManifestDocument(bytes: bytes, expected: descriptor).subject else { return true }
        let answered = headers.first { $0.0.caseInsensitiveEquals("OCI-Subject") }?.1
            .trimmingCharacters(in: .whitespaces)
        return answered == subject.digest.description
    }

    /// Adds `descriptors` to the fallback tag of `subject` (distribution-spec, "Referrers Tag Schema":
    /// read the index, add the descriptors, push it under the tag), without losing entries another
    /// writer added: the index is read, merged by digest (`ReferrersList.merge`, nothing dropped) and
    /// pushed; then read again, and if a concurrent writer's push replaced it so that an entry is
    /// missing (ours, or one that was there before), the round is repeated on what is there now. The
    /// registry offers no conditional push, so this narrows the window of the race the spec describes
    /// rather than closing it; the tag is only ever replaced by a whole, valid index.
    public func addReferrers(_ descriptors: [Descriptor], to subject: Digest) async throws {
        guard !descriptors.isEmpty else { return }
        var wanted = descriptors
        for _ in 1...Self.fallbackAttempts {
            let current = try await fallbackIndex(of: subject)
            var index = current ?? ImageIndex(mediaType: .ociIndex, manifests: [])
            let merged = ReferrersList.merge(index.manifests, adding: wanted)
            if let current, merged.count == current.manifests.count { return }
            index.manifests = merged
            let bytes = try CanonicalJSON.encode(index)
            try await putManifest(Descriptor(mediaType: .ociIndex, bytes: bytes), bytes: bytes, tag: subject.referrersTag)
            let present = Set((try await fallbackIndex(of: subject)?.manifests ?? []).map(\.digest))
            let missing = merged.filter { !present.contains($0.digest) }
            if missing.isEmpty { return }
            wanted = missing
        }
        throw XArchError(.registry, "\(displayName):\(subject.referrersTag) kept changing while xarch added referrers of \(subject) (other writers?); try again")
    }
}
