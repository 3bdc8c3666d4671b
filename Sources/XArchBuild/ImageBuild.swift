import Foundation
import XArch
import XArchContent
import XArchLayout
import XArchModel
import XArchRegistry

/// `xarch build`: a daemonless, emulation-free, reproducible multi-platform build from a Dockerfile.
///
/// 1. **Plan.** The Dockerfile is parsed (`DockerfileAdapter`) and the target stage is evaluated for
///    every platform (`StageEvaluator`): base images are resolved strictly per platform, COPY sources
///    are matched in the context, configs are computed. Any error here — a base image without a target
///    platform, a missing source, a RUN — stops the build before anything is written or pushed.
/// 2. **Layers.** Every distinct new layer is written once (`LayerCache`, `LayerWriter`), in parallel.
/// 3. **Assembly.** Into the `--output` layout (or a temporary one): layers, then per platform config
///    and manifest, then the index (`ImageAssembler`).
/// 4. **Push.** The finished index is copied to each `-t` registry by the copy engine (`ImageCopy`):
///    blobs the registry has are skipped, children go first and the index last.
///
/// Reproducible: the same inputs give the same index digest on any machine (sorted tar entries,
/// clamped times, fixed gzip header, `created` from `SOURCE_DATE_EPOCH`, canonical JSON).
///
/// `--platform all` means every platform the final stage's base image offers; for an image built
/// `FROM scratch`, every platform of `BuildOptions.scratchCandidates` whose COPY sources exist in the
/// context (the others are reported as skipped).
public enum ImageBuild {
    public static func build(_ options: BuildOptions, session: RegistrySession) async throws -> BuildReport {
        let start = ContinuousClock.now
        let parsed = try DockerfileAdapter.parse(file: options.dockerfilePath)
        let work = try LayerCache.workDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let planner = BuildPlanner(options: options, stages: parsed.stages, expander: parsed.expander,
                                   context: try BuildContext.open(options.context, dockerfile: options.dockerfilePath),
                                   resolver: BaseImageResolver(session: session), spool: SpoolStore(directory: work))
        let plan = try await planner.plan()
        let writer = LayerWriter(sourceDateEpoch: options.sourceDateEpoch, compressionLevel: options.compressionLevel)
        let blobs = try await LayerCache.write(plan.states.flatMap(\.newLayers), writer: writer, directory: work, jobs: options.jobs)

        let layout = try OCILayout.openOrCreate(at: options.output?.path ?? "\(work)/layout")
        let tag = options.output?.tag ?? ImageReference.defaultTag
        let assembler = ImageAssembler(store: layout, jobs: options.jobs)
        try await assembler.storeLayers(plan.states, blobs: blobs)
        var images: [ImageAssembler.Assembled] = []
        for state in plan.states { images.append(try await assembler.storeImage(state, blobs: blobs)) }
        let index = try await assembler.storeIndex(images, tag: tag)

        var pushed: [BuildReport.Destination] = []
        for destination in options.destinations {
            let report = try await ImageCopy.copy(from: layout, reference: .digest(index.digest),
                                                  to: session.repository(destination),
                                                  tag: destination.tag ?? ImageReference.defaultTag,
                                                  options: CopyOptions(jobs: options.jobs))
            pushed.append(.init(reference: destination.description, blobsCopied: report.blobs.copied))
        }
        let unique = Set(blobs.values.map(\.descriptor))
        let output = options.output.map { BuildReport.Destination(reference: "oci:\($0.path):\(tag)", blobsCopied: unique.count) }
        return BuildReport(
            indexDigest: index.digest.description, indexMediaType: index.mediaType.rawValue,
            images: images.map { image in
                .init(platform: image.platform.formatted, digest: image.descriptor.digest.description,
                      size: image.descriptor.size + image.manifest.contentSize, layers: image.manifest.layers.count,
                      newLayers: image.newLayers)
            },
            skippedPlatforms: plan.skipped, layersWritten: unique.count, layerBytes: unique.reduce(0) { $0 + $1.size },
            output: output, pushed: pushed, unusedBuildArguments: plan.unusedArguments,
            durationSeconds: seconds(since: start))
    }
}

extension ImageBuild {
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
