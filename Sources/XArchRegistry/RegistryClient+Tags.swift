import Foundation
import XArchContent
import XArchModel

/// Tags: distribution-spec spec.md, "Listing Tags" (with `Link` pagination, RFC 8288).
extension RegistryClient {
    struct TagList: Decodable {
        let tags: [String]?
    }

    public func tags() async throws -> [String] {
        var next: String? = url("tags/list?n=\(limits.tagPageSize)")
        var all: [String] = []
        var pages = 0
        while let page = next, pages < 1000 {
            pages += 1
            let request = RegistryRequest(method: "GET", url: page, scope: scope("pull"))
            let response = try await send(request, expect: [200], what: "tags of \(repository)")
            let bytes: [UInt8]
            do {
                bytes = try await response.body.collect(limit: limits.tagsPage)
            } catch let error as XArchError where error.code == .tooLarge {
                throw XArchError(.tooLarge, "a page of the tag list of \(repository) is larger than the \(limits.tagsPage)-byte limit", cause: error)
            }
            let list = try CanonicalJSON.decode(TagList.self, from: bytes, what: "tag list of \(repository)")
            all += list.tags ?? []
            next = Self.nextLink(response.headers("Link")).map(resolve)
        }
        return Array(Set(all)).sorted()
    }

    /// The `rel="next"` target of `Link` headers.
    static func nextLink(_ values: [String]) -> String? {
        for value in values {
            for part in value.split(separator: ",") {
                let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">"),
                      pieces.dropFirst().contains(where: { $0.replacingOccurrences(of: "\"", with: "") == "rel=next" })
                else { continue }
                return String(target.dropFirst().dropLast())
            }
        }
        return nil
    }
}
