import XArchContent
import XArchModel

/// The index a tag names, read for an edit.
struct CurrentIndex: Sendable {
    /// `STORE:TAG`, for messages.
    let name: String
    let document: ManifestDocument
    let index: ImageIndex
    /// Its platform entries (with positions and attestations).
    let members: [IndexMember]

    var format: IndexFormat { IndexFormat(mediaType: document.mediaType) ?? .oci }

    /// Reads the index `tag` names (one GET); an image or a missing tag is an error saying what to do.
    static func read(_ store: any ContentStore, tag: String, jobs: Int) async throws -> CurrentIndex {
        let name = "\(store.displayName):\(tag)"
        let document: ManifestDocument
        do {
            document = try await store.manifest(.tag(tag))
        } catch let error as XArchError where error.code == .notFound {
            throw XArchError(.notFound, "\(name) does not exist (\(error.message)); make it with `xarch index create -t \(name) SOURCE…`", cause: error)
        }
        guard let index = document.index else {
            throw XArchError(.invalidInput, "\(name) is a single image, not an index; make an index of it with `xarch index create -t \(name) \(name) SOURCE…`")
        }
        let source = IndexSource(store: store, reference: .tag(tag), name: name)
        return CurrentIndex(name: name, document: document, index: index, members: try await source.existingMembers(of: index, jobs: jobs))
    }

    /// The entries `platforms` name (`IndexPlatformFilter`); none is a `.checkFailed` error naming
    /// the platforms there are.
    func matching(_ platforms: [Platform]) throws -> [IndexMember] {
        let filter = IndexPlatformFilter(platforms)
        let found = members.filter { $0.platform.map(filter.accepts) ?? false }
        guard !found.isEmpty else {
            let have = members.map(\.platformName).joined(separator: ", ")
            throw XArchError(.checkFailed, "\(name) has no entry for \(filter.description) (it has: \(have.isEmpty ? "no platforms" : have)); nothing was changed")
        }
        return found
    }

    /// The manifests without the entries at `positions`, and without the attestations of digests no
    /// remaining entry has.
    func manifests(removing positions: Set<Int>) -> [Descriptor] {
        let remaining = Set(members.filter { !positions.contains($0.position ?? -1) }.map(\.descriptor.digest))
        return index.manifests.enumerated().compactMap { position, descriptor in
            if positions.contains(position) { return nil }
            if IndexEntries.isAttestation(descriptor),
               let target = descriptor.annotations?[AnnotationKey.dockerReferenceDigest].flatMap({ try? Digest(parsing: $0) }),
               members.contains(where: { $0.descriptor.digest == target }), !remaining.contains(target) {
                return nil
            }
            return descriptor
        }
    }
}

extension IndexEditor {
    /// Adds the entries of `sources` to the index `tag` names in `destination` and writes the result
    /// under the same tag. The index keeps its media type, annotations and entries; new entries come
    /// after them. A platform it has already is refused, unless `options.replace` (the new entry
    /// replaces the old one and its attestations) or `options.allowDuplicates`.
    public static func add(_ sources: [IndexSource], to destination: any ContentStore, tag: String,
                           options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        guard !sources.isEmpty else { throw XArchError(.invalidInput, "name at least one source image or index to add") }
        let run = try IndexRun(destination: destination, name: nil, options: options, sources: sources.map(\.store))
        let before = await run.counters.snapshot()
        let current = try await CurrentIndex.read(destination, tag: tag, jobs: options.jobs)
        let resolved = try await resolve(sources, jobs: options.jobs)
        let selection = try IndexAssembly.select(resolved.flatMap(\.members), existing: current.members, options: options,
                                                 format: current.format)
        let replaced = Set(selection.replaced.compactMap(\.position))
        let kept = current.manifests(removing: replaced)
        let manifests = IndexAssembly.manifests(kept: kept, members: selection.members, dropAttestations: options.dropAttestations)
        let document = try IndexAssembly.document(manifests: manifests, base: current.index, format: current.format,
                                                  annotations: options.annotations)
        let remaining = current.members.filter { !replaced.contains($0.position ?? -1) }
        var report = run.report("add", tag: tag, document: document, members: remaining + selection.members)
        report.removed = selection.replaced.map { IndexReport.Entry($0) }
        report.droppedAttestations = selection.droppedAttestations + resolved.reduce(0) { $0 + $1.orphanAttestations }
        report.repeats = selection.repeats
        let needs = needs(selection.members, resolved, attestations: !options.dropAttestations)
        return try await finishEdit(run, current: current, document: document, needs: needs, report: report, since: before)
    }

    /// Removes the entries `platforms` name (`IndexPlatformFilter`) and their attestations from the index `tag`
    /// names, and writes the result under the same tag. Removing every platform is refused.
    public static func remove(platforms: [Platform], from destination: any ContentStore, tag: String,
                              options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        let run = try IndexRun(destination: destination, name: nil, options: options, sources: [])
        let before = await run.counters.snapshot()
        let current = try await CurrentIndex.read(destination, tag: tag, jobs: options.jobs)
        let removed = try current.matching(platforms)
        let positions = Set(removed.compactMap(\.position))
        let remaining = current.members.filter { !positions.contains($0.position ?? -1) }
        guard !remaining.isEmpty else {
            throw XArchError(.invalidInput, "removing \(removed.map(\.platformName).joined(separator: ", ")) would leave \(destination.displayName):\(tag) without any platform; delete the tag instead")
        }
        let document = try IndexAssembly.document(manifests: current.manifests(removing: positions), base: current.index,
                                                  format: current.format, annotations: options.annotations)
        var report = run.report("remove", tag: tag, document: document, members: remaining)
        report.removed = removed.map { IndexReport.Entry($0) }
        return try await finishEdit(run, current: current, document: document, needs: [], report: report, since: before)
    }

    /// Sets index annotations (`options.annotations`) and, on the entries of `annotation.platforms`,
    /// descriptor annotations, `os.version` and `os.features`; writes the result under the same tag.
    /// An entry without a platform of its own gets its config's, completed.
    public static func annotate(_ annotation: IndexAnnotation, in destination: any ContentStore, tag: String,
                                options: IndexOptions = IndexOptions()) async throws -> IndexReport {
        if annotation.changesEntries, annotation.platforms.isEmpty {
            throw XArchError(.invalidInput, "name the entries to change with a platform (--platform); index annotations need none")
        }
        let run = try IndexRun(destination: destination, name: nil, options: options, sources: [])
        let before = await run.counters.snapshot()
        let current = try await CurrentIndex.read(destination, tag: tag, jobs: options.jobs)
        var manifests = current.index.manifests
        var members = current.members
        let chosen = annotation.platforms.isEmpty ? [] : Set(try current.matching(annotation.platforms).compactMap(\.position))
        for (i, member) in members.enumerated() {
            guard let position = member.position, chosen.contains(position) else { continue }
            let changed = changing(member, annotation)
            manifests[position] = changed.descriptor
            members[i] = changed
        }
        let document = try IndexAssembly.document(manifests: manifests, base: current.index, format: current.format,
                                                  annotations: options.annotations)
        let report = run.report("annotate", tag: tag, document: document, members: members)
        return try await finishEdit(run, current: current, document: document, needs: [], report: report, since: before)
    }

    /// `member` with the annotation's changes to its descriptor.
    static func changing(_ member: IndexMember, _ annotation: IndexAnnotation) -> IndexMember {
        var member = member
        if !annotation.descriptorAnnotations.isEmpty {
            var merged = member.descriptor.annotations ?? [:]
            for (key, value) in annotation.descriptorAnnotations { merged[key] = value.isEmpty ? nil : value }
            member.descriptor.annotations = merged.isEmpty ? nil : merged
        }
        if annotation.osVersion != nil || annotation.osFeatures != nil, var platform = member.platform {
            if let version = annotation.osVersion { platform.osVersion = version }
            if let features = annotation.osFeatures { platform.osFeatures = features }
            member.descriptor.platform = platform
            member.platform = platform
        }
        return member
    }

    /// Writes an edited index (children first) unless it is unchanged or a dry run.
    static func finishEdit(_ run: IndexRun, current: CurrentIndex, document: ManifestDocument, needs: [IndexPush.Need],
                           report: IndexReport, since before: [String: Int]?) async throws -> IndexReport {
        var report = report
        report.previousDigest = current.document.digest.description
        if document.digest == current.document.digest {
            report.unchanged = true
        } else {
            try await run.write(document, tag: report.tag, needs: needs, report: &report)
        }
        return await run.finish(report, since: before)
    }
}
