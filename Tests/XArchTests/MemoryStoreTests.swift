import Testing
import XArchContent
import XArchCopy
import XArchIndex
import XArchLayout
import XArchModel
import XArchTestSupport

/// A resolver handing out in-memory stores by location: the engines need nothing else.
struct MemoryResolver: StoreResolving {
    let stores: [String: MemoryStore]

    func store(_ location: ImageLocation) throws -> (MemoryStore, tag: String?) {
        let text = location.description
        let name = text.split(separator: ":").first.map(String.init) ?? text
        guard let store = stores[name] else { throw XArchError(.notFound, "no store \(name)") }
        let tag = text.contains(":") ? text.split(separator: ":").last.map(String.init) : nil
        return (store, tag)
    }

    func open(_ location: ImageLocation) throws -> OpenedImage {
        let (store, tag) = try store(location)
        return OpenedImage(source: store, reference: tag.map { .tag($0) }, name: location.description)
    }

    func openDestination(_ location: ImageLocation, tags: DestinationTags,
                         access: DestinationAccess) throws -> OpenedDestination {
        let (store, tag) = try store(location)
        return OpenedDestination(store: store, tag: tag ?? (tags == .required ? "latest" : nil), storeName: store.displayName)
    }
}

@Suite struct MemoryStoreTests {
    @Test func aCopyIntoMemoryAndBackKeepsEveryDigest() async throws {
        try await CopyFixture.withLayouts { source, destination, built in
            let memory = MemoryStore()
            let there = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: memory, tag: "multi")
            #expect(there.destinationDigest == built.index.digest.description)
            #expect(try await memory.manifestDescriptor(.tag("multi"))?.digest == built.index.digest)
            let back = try await ImageCopy.copy(from: memory, reference: .tag("multi"), to: destination, tag: "multi")
            #expect(back.blobs.copied == there.blobs.copied && back.manifests.copied == there.manifests.copied)
            #expect(try await destination.manifestDescriptor(.tag("multi"))?.digest == built.index.digest)
        }
    }

    @Test func copyByLocationUsesOnlyTheResolverItIsHanded() async throws {
        try await CopyFixture.withLayouts { source, _, built in
            let (from, to) = (MemoryStore(name: "registry.test/src"), MemoryStore(name: "registry.test/dst"))
            _ = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: from, tag: "multi")
            let resolver = MemoryResolver(stores: ["registry.test/src": from, "registry.test/dst": to])
            let report = try await ImageCopy.copy(from: try ImageLocation(parsing: "registry.test/src:multi"),
                                                  to: try ImageLocation(parsing: "registry.test/dst:copy"), resolver: resolver)
            #expect(report.tag == "copy" && !report.upToDate)
            #expect(try await to.manifestDescriptor(.tag("copy"))?.digest == built.index.digest)
        }
    }

    @Test func anIndexIsAssembledFromMemoryIntoMemory() async throws {
        try await TestImages.withTemporaryDirectory("xarch-index") { dir in
            let layout = try OCILayout.create(at: "\(dir)/app")
            let specs = ["linux/amd64", "linux/arm64"]
            try await IndexFixture.perArch(specs, in: layout)
            let tags = try specs.map { IndexFixture.tag(try Platform(parsing: $0)) }
            let (sources, target) = (MemoryStore(name: "registry.test/runners"), MemoryStore(name: "registry.test/app"))
            for tag in tags {
                _ = try await ImageCopy.copy(from: layout, reference: .tag(tag), to: sources, tag: tag)
            }
            let resolver = MemoryResolver(stores: ["registry.test/runners": sources, "registry.test/app": target])
            let inputs = try tags.map { try IndexSource.open(try ImageLocation(parsing: "registry.test/runners:\($0)"), resolver: resolver) }
            let report = try await IndexEditor.create(inputs, destination: try ImageLocation(parsing: "registry.test/app:1.2"),
                                                      resolver: resolver)
            #expect(report.platforms.map(\.platform) == specs)
            let index = try await IndexFixture.index(target, "1.2")
            #expect(index.manifests.count == 2)
            #expect(try await target.manifestDescriptor(.tag("1.2"))?.digest.description == report.digest)
            #expect(await target.counts().manifests == 3)
        }
    }

    /// Indexes nested 4 deep below the root are copied; one more level is refused with a message, as
    /// verify and index assembly refuse it (one limit, `ImageIndex.maximumNesting`).
    @Test func nestedIndexesStopAtOneLimitForEveryWalker() async throws {
        try await CopyFixture.withLayouts { source, _, built in
            let memory = MemoryStore(name: "registry.test/deep")
            _ = try await ImageCopy.copy(from: source, reference: .tag("multi"), to: memory, tag: "multi")
            var inner = Descriptor(mediaType: .ociIndex, digest: built.index.digest, size: built.index.size)
            for level in 1...(ImageIndex.maximumNesting + 1) {
                let text = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"\#(inner.digest)","size":\#(inner.size)}]}"#
                let bytes = Array(text.utf8)
                inner = Descriptor(mediaType: .ociIndex, bytes: bytes)
                try await memory.putManifest(inner, bytes: bytes, tag: "level\(level)")
            }
            let deepest = ImageIndex.maximumNesting
            _ = try await ImageCopy.copy(from: memory, reference: .tag("level\(deepest)"), to: MemoryStore(), tag: "ok")
            await #expect {
                try await ImageCopy.copy(from: memory, reference: .tag("level\(deepest + 1)"), to: MemoryStore(), tag: "deep")
            } throws: { error in
                (error as? XArchError)?.message.contains("nested more than \(deepest) deep") == true
            }
        }
    }
}
