import Foundation
import XArchArchive
import XArchContent
import XArchCopy
import XArchModel
import XArchRun
import XArchVerify

/// `xarch build`: a daemonless, reproducible multi-platform build from a Dockerfile.
///
/// 1. **Plan.** The Dockerfile is parsed (`BuildPlanner.dockerfile(at:)`) and the target stage is evaluated for
///    every platform (`StageEvaluator`): base images are resolved strictly per platform, COPY sources
///    are matched in the context, configs are computed, RUN instructions run in the sandbox
///    (`BuildRunner`: natively, or under QEMU for foreign platforms) and their changes become layers.
///    Any error here — a base image without a target platform, a missing source, a failing RUN — stops
///    the build before anything is written or pushed.
/// 2. **Layers.** Every distinct new layer is written once (`LayerCache`, `LayerWriter`), in parallel.
/// 3. **Assembly.** Per platform config and manifest, with `--provenance` an SLSA provenance attestation per
///    platform (`ProvenanceBuilder`, `ProvenanceAttestation`), then the index (`ImageAssembler`), in the
///    build's staging store (`BuildStaging`: JSON in memory, new layers in their files, base layers
///    still in the base images).
/// 4. **Output.** The copy engine (`ImageCopy`) copies the index from the staging store into the
///    `--output` layout and to each `-t` registry: blobs already there are skipped, base layers are
///    mounted from the base image's repository on the same registry or else streamed from the base
///    image, children go first and the index last. `--push-by-digest` then writes the root
///    (`DigestPush.root`: the image manifest of a one-platform build, else the index) by digest only,
///    and `--metadata-file` gets the `BuildMetadata` of what was built (`Pushes.metadata`).
///
/// Reproducible: the same inputs give the same index digest on any machine (sorted tar entries,
/// clamped times, fixed gzip header, `created` from `SOURCE_DATE_EPOCH`, canonical JSON).
///
/// `--platform all` means every platform the final stage's base image offers; for an image built
/// `FROM scratch`, every platform of `BuildOptions.scratchCandidates` whose COPY sources exist in the
/// context (the others are reported as skipped).
public enum ImageBuild {
    /// Builds as `options` say; base images and destinations are opened by `resolver`. `progress` hears
    /// what the build is doing (`BuildEvent`), from concurrent tasks.
    public static func build(_ options: BuildOptions, resolver: any StoreResolving,
                             progress: (@Sendable (BuildEvent) -> Void)? = nil) async throws -> BuildReport {
        let start = ContinuousClock.now
        try checkArchiveOutput(options, platforms: options.platforms.map { Set($0.map(\.normalized)).count })
        let (parsed, dockerfileDigest) = try BuildPlanner.readDockerfile(at: options.dockerfilePath)
        let work = try LayerCache.workDirectory()
        WorkDirectories.register(work)
        defer { WorkDirectories.remove(work) }
        let runner = BuildRunner(modes: .detect(), cache: options.rootFilesystemCache, work: work, readsCache: !options.noCache,
                                 showsOutput: options.showsRunOutput, progress: progress)
        let bases = BaseImageResolver(resolver: resolver)
        let planner = BuildPlanner(options: options, stages: parsed,
                                   context: try BuildContext.open(options.context, dockerfile: options.dockerfilePath),
                                   resolver: bases, spool: SpoolStore(directory: work), runner: runner)
        let plan = try await planner.plan()
        let writer = LayerWriter(sourceDateEpoch: options.sourceDateEpoch, encoding: options.encoding,
                                 budget: CompressionBudget.sized(jobs: options.jobs))
        let newLayers = plan.states.flatMap(\.newLayers)
        progress?(.planned(platforms: plan.states.count, layers: LayerCache.distinct(newLayers).count))
        let blobs = try await LayerCache.write(newLayers, writer: writer, directory: work, jobs: options.jobs) { blob in
            progress?(.layerWritten(bytes: blob.descriptor.size))
        }

        let staging = BuildStaging(layers: blobs, states: plan.states)
        let assembler = ImageAssembler(store: staging)
        var images: [ImageAssembler.Assembled] = []
        for state in plan.states { images.append(try await assembler.storeImage(state, blobs: blobs)) }
        var attestations: [Descriptor] = []
        if options.provenance {
            let platforms = Set(images.map(\.platform.normalized) + [options.buildPlatform.normalized])
            let provenance = ProvenanceBuilder(options: options, dockerfileDigest: dockerfileDigest,
                                               dependencies: await bases.resolutions(for: platforms),
                                               checkout: GitCheckout.containing(options.context))
            for image in images {
                attestations.append(try await ProvenanceAttestation.store(provenance.statement(for: image), about: image.descriptor, in: staging))
            }
        }
        try checkArchiveOutput(options, platforms: images.count)
        let tag = options.output?.tag ?? options.archiveOutput.map(archiveTag) ?? ImageReference.defaultTag
        let index = try await assembler.storeIndex(images.map(\.descriptor) + attestations, tag: tag)

        var verification: VerifyReport?
        if options.verify {
            let image = OpenedImage(source: staging, reference: .digest(index.digest))
            let report = try await ImageVerification.verify(image, name: "the build", options: VerifyOptions(concurrency: options.jobs))
            guard report.passed else {
                let failure = ImageVerification.failed(report)
                throw XArchError(failure.code, "\(failure.message); nothing was written or pushed")
            }
            verification = report
        }

        var tested: ImageTestReport?
        if let testOptions = options.test {
            let image = OpenedImage(source: staging, reference: .digest(index.digest))
            let tester = ImageTest(modes: .detect(), cache: options.rootFilesystemCache)
            let report = try await tester.run(image, options: testOptions)
            guard report.failed == 0, report.passed > 0 else {
                let failures = report.results.filter { $0.status == .fail }
                    .map { "\($0.platform): \($0.reason ?? $0.outcome)" }.joined(separator: "; ")
                let what = report.failed > 0 ? "\(report.failed) of \(report.results.count) platforms failed xarch test (\(failures))"
                    : "no platform could be tested here (\(report.skipped) skipped)"
                throw XArchError(report.failed > 0 ? .checkFailed : .unsupported, "\(what); nothing was written or pushed")
            }
            progress?(.tested(report))
            tested = report
        }

        var output: BuildReport.Destination?
        if let layoutReference = options.output {
            let opened = try resolver.openDestination(.layout(layoutReference), tags: .optional, access: .create)
            guard let layout = opened.store else { throw XArchError(.io, "cannot open the layout \(layoutReference)") }
            let name = "oci:\(layoutReference.path):\(tag)"
            let report = try await ImageCopy.copy(from: staging, reference: .digest(index.digest), to: layout, tag: tag,
                                                  options: CopyOptions(jobs: options.jobs),
                                                  progress: forward(progress, name))
            output = .init(reference: name, blobsCopied: report.blobs.copied)
            await staging.mirror(layout)
        }
        if let archive = options.archiveOutput {
            output = try await writeArchive(archive, from: staging, index: index, images: images, resolver: resolver,
                                            jobs: options.jobs, progress: progress)
        }
        let pushes = Pushes(staging: staging, index: index.digest, resolver: resolver, jobs: options.jobs,
                            progress: progress, written: output.map { [$0.reference] } ?? [])
        let pushed = try await pushes.tags(options.destinations)
        let root = options.pushByDigest == nil || !attestations.isEmpty ? index : DigestPush.root(images: images, index: index)
        var byDigest: BuildReport.Destination?
        if let repository = options.pushByDigest { byDigest = try await pushes.byDigest(root, to: repository, after: pushed) }
        let metadata = Pushes.metadata(root: root, platforms: images.map(\.platform.formatted), byDigest: byDigest, options: options)
        if let path = options.metadataFile { try metadata.write(to: path) }
        let unique = Set(blobs.values.map(\.descriptor))
        return BuildReport(
            digest: index.digest.description, mediaType: index.mediaType.rawValue,
            images: images.map { image in
                let attestation = attestations.first { $0.annotations?[AnnotationKey.dockerReferenceDigest] == image.descriptor.digest.description }
                return .init(platform: image.platform.formatted, digest: image.descriptor.digest.description,
                             size: image.descriptor.size + image.manifest.contentSize, layers: image.manifest.layers.count,
                             newLayers: image.newLayers, provenance: attestation?.digest.description)
            },
            skippedPlatforms: plan.skipped, layersWritten: unique.count, layerBytes: unique.reduce(0) { $0 + $1.size },
            output: output, pushed: pushed, pushedByDigest: byDigest, metadata: metadata,
            unusedBuildArguments: plan.unusedArguments, runs: await runner.runSummaries(),
            verification: verification, test: tested,
            durationSeconds: seconds(since: start))
    }
}

extension ImageBuild {
    /// The copy engine's events of the copy into `destination`, as build events.
    static func forward(_ progress: (@Sendable (BuildEvent) -> Void)?,
                        _ destination: String) -> (@Sendable (CopyEvent) -> Void)? {
        guard let progress else { return nil }
        return { event in progress(.copy(destination: destination, event: event)) }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

extension StageState {
    /// The entries of the layers this build writes.
    var newLayers: [LayerEntries] {
        layers.compactMap { if case .new(let entries, _) = $0 { return entries } else { return nil } }
    }
}
