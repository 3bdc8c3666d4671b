import Foundation
import XArchContent
import XArchModel

/// `xarch test`: every platform of an image run in its own root filesystem, natively or under QEMU,
/// one result each (issue 12, "The command").
///
/// For each platform entry of an index (attestations excluded), in index order — or the one platform
/// of a single image: the manifest and config are read, the layers unpacked (`RootFilesystemCache`),
/// the mode chosen (`ExecutionModes`), the process composed from the config as `docker run` does
/// (`ImageProcess`), the program checked against the platform before it runs (`ProgramCheck`), and the
/// command run in the `Sandbox` with the timeout. A platform passes when the command exits with the
/// expected code and its stdout matches the expected pattern. With a spec (`ImageTestOptions.spec`),
/// the spec's tests run instead, each command test the same way (`ImageTest+Spec.swift`).
public struct ImageTest: Sendable {
    /// How each platform can run on this host.
    public var modes: ExecutionModes
    /// Where unpacked trees are kept; nil: every tree is temporary.
    public var cache: RootFilesystemCache?
    public var sandbox: Sandbox

    /// A tester on this host's modes, with `cache`.
    public init(modes: ExecutionModes = .detect(), cache: RootFilesystemCache?, sandbox: Sandbox = Sandbox()) {
        self.modes = modes
        self.cache = cache
        self.sandbox = sandbox
    }

    /// Tests every selected platform of `image`. Throws when the image cannot be read or no platform
    /// matches; a platform's own failure is its result.
    public func run(_ image: OpenedImage, options: ImageTestOptions) async throws -> ImageTestReport {
        if let pattern = options.expectedOutput {
            do { _ = try Regex(pattern) } catch {
                throw XArchError(.invalidInput, "--expect-output \(pattern) is not a valid regular expression: \(error)")
            }
        }
        sweepStaleWork()
        let root = try await image.root()
        let targets: [Target]
        switch root.content {
        case .index(let index):
            targets = IndexEntries(index).platforms.map { Target(descriptor: $0.descriptor, manifest: nil) }
        case .image(let manifest):
            targets = [Target(descriptor: root.descriptor, manifest: manifest)]
        }
        if options.keepStandardInput {
            let matcher = PlatformMatcher.any(options.platforms)
            let selected = targets.filter { options.platforms.isEmpty || $0.descriptor.platform.map(matcher.matches) ?? true }
            guard selected.count <= 1 else {
                throw XArchError(.invalidInput, "-i gives stdin to one command: select one of the \(selected.count) platforms with --platform")
            }
        }
        let results = try await BoundedConcurrency.map(targets, limit: max(1, options.concurrency)) { target in
            try await self.test(target, of: image, options: options)
        }.compactMap { $0 }
        guard !results.isEmpty else {
            let wanted = options.platforms.map(\.formatted).joined(separator: ", ")
            throw XArchError(.notFound, "no platform of \(image.name) matches \(wanted.isEmpty ? "anything" : wanted)")
        }
        return ImageTestReport(reference: image.name, digest: root.digest.description, results: results)
    }

    /// Removes what killed runs left: temporary trees and sandbox directories, and half-unpacked trees
    /// in the cache (`StaleWork`).
    func sweepStaleWork() {
        StaleWork.sweep(StaleWork.temporaryDirectory, marker: RootFilesystem.temporaryPrefix)
        StaleWork.sweep(StaleWork.temporaryDirectory, marker: Sandbox.prefix)
        if let cache { StaleWork.sweep(cache.directory, marker: RootFilesystem.unpackingMarker) }
    }

    /// One entry: its descriptor, and its manifest when already read (a single image).
    struct Target: Sendable {
        var descriptor: Descriptor
        var manifest: ImageManifest?
    }

    /// The result of one platform; nil when the platform is not selected.
    private func test(_ target: Target, of image: OpenedImage, options: ImageTestOptions) async throws -> ImageTestResult? {
        let matcher = PlatformMatcher.any(options.platforms)
        if let platform = target.descriptor.platform, !options.platforms.isEmpty, !matcher.matches(platform) { return nil }
        var result = ImageTestResult(platform: target.descriptor.platform?.formatted ?? "unknown",
                                     digest: target.descriptor.digest.description)
        do {
            let manifest: ImageManifest
            if let known = target.manifest {
                manifest = known
            } else {
                guard case .image(let child) = try await image.child(target.descriptor).content else {
                    result.reason = "a nested index: not tested"
                    return result
                }
                manifest = child
            }
            let config = try await image.config(of: manifest)
            let platform = target.descriptor.platform ?? config.platform
            if !options.platforms.isEmpty, !matcher.matches(platform) { return nil }
            result.platform = platform.formatted
            try await run(manifest, config: config, platform: platform, image: image, options: options, into: &result)
        } catch let error as CancellationError {
            throw error
        } catch {
            result.passed = false
            result.reason = (error as? XArchError)?.message ?? "\(error)"
        }
        return result
    }
}
