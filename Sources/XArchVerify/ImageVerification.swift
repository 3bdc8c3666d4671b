import Foundation
import XArchArchive
import XArchContent
import XArchModel

/// What `xarch verify` checks besides the defaults.
public struct VerifyOptions: Sendable {
    /// Platforms that must be present (normalized, matched strictly: `arm/v7` is not `arm/v6`).
    public var required: [Platform]
    /// Scan only the images of these platforms (strict match); all when empty.
    public var platforms: [Platform]
    /// Platform images scanned at once.
    public var concurrency: Int
    /// Caps against decompression bombs.
    public var limits: DecompressionLimits

    /// Options checking `required`, scanning `platforms` (all when empty), `concurrency` images at once.
    public init(required: [Platform] = [], platforms: [Platform] = [],
                concurrency: Int = Swift.max(2, ProcessInfo.processInfo.activeProcessorCount),
                limits: DecompressionLimits = .standard) {
        self.required = required
        self.platforms = platforms
        self.concurrency = Swift.max(1, concurrency)
        self.limits = limits
    }
}

/// `xarch verify`: proves that every platform of an image really runs there.
///
/// - coverage: each required platform is present;
/// - consistency: each descriptor's platform equals its config's; attestations point at children;
/// - content: each platform's filesystem (layers applied in order) has only ELF (or PE) files built
///   for that platform, with their loaders present (`PlatformScan`). Layers are streamed, a layer
///   shared by platforms is read once, platforms are scanned in parallel.
///
/// Written against the content protocols only, so a build can verify its output before it is stored
/// anywhere.
public enum ImageVerification {
    /// Verifies the image `image` (named `name` in the report), wherever its source is.
    public static func verify(_ image: OpenedImage, name: String, options: VerifyOptions = .init()) async throws -> VerifyReport {
        let root = try await image.root()
        var findings: [VerifyFinding] = []
        let images = try await collect(root.descriptor, document: root, image: image, depth: 0, findings: &findings)
        findings += coverage(options.required, images)
        let selected = images.filter { img in
            options.platforms.isEmpty || options.platforms.contains { PlatformMatcher.onlyStrict($0).matches(img.platform) }
        }
        let cache = LayerSummaryCache(source: image.source, limits: options.limits)
        let scans = try await scanAll(selected, cache: cache, concurrency: options.concurrency)
        var summaries: [VerifyReport.PlatformSummary] = []
        for (img, report) in zip(selected, scans) {
            findings += report.findings
            summaries.append(.init(platform: report.platform, digest: img.descriptor.digest.description,
                                   expected: report.expected, layers: report.layers, filesScanned: report.filesScanned,
                                   elfFiles: report.elfFiles, peFiles: report.peFiles, scripts: report.scripts,
                                   errors: report.findings.count { $0.severity == .error },
                                   warnings: report.findings.count { $0.severity == .warning }))
        }
        // Errors first; otherwise the order found (coverage, consistency, then platform by platform).
        findings = findings.enumerated().sorted { ($0.element.severity, -$0.offset) > ($1.element.severity, -$1.offset) }.map(\.element)
        let errors = findings.count { $0.severity == .error }
        return VerifyReport(reference: name, digest: root.digest.description,
                            mediaType: root.mediaType.rawValue, passed: errors == 0,
                            required: options.required.map(\.normalized.formatted), platforms: summaries,
                            findings: findings, errors: errors, warnings: findings.count - errors,
                            layersRead: await cache.count)
    }

    /// The error `xarch verify` exits 3 with.
    public static func failed(_ report: VerifyReport) -> XArchError {
        let first = report.findings.first { $0.severity == .error }.map { ": \($0.message)" } ?? ""
        return XArchError(.checkFailed, "\(report.reference) failed verification with \(report.errors) error\(report.errors == 1 ? "" : "s")\(first)")
    }

    /// Scans the selected images, at most `concurrency` at once; results in input order.
    static func scanAll(_ images: [PlatformImage], cache: LayerSummaryCache, concurrency: Int) async throws -> [PlatformScan.Report] {
        try await BoundedConcurrency.map(images, limit: concurrency) { try await scan($0, cache: cache) }
    }

    /// One platform: its layers' summaries (from the cache) applied and judged. A layer that cannot
    /// be read (corrupt, truncated, hostile, a bomb) is an error finding; the rest is still judged.
    static func scan(_ img: PlatformImage, cache: LayerSummaryCache) async throws -> PlatformScan.Report {
        var layers: [LayerSummary] = []
        var problems: [VerifyFinding] = []
        let name = img.platform.formatted
        for layer in img.manifest.layers {
            do {
                layers.append(try await cache.summary(of: layer))
            } catch let error as XArchError where [.invalidInput, .tooLarge, .digestMismatch].contains(error.code) {
                problems.append(.init(.error, .unreadableLayer, platform: name, layer: layer.digest.description,
                                      message: "layer \(layer.digest) of \(name) cannot be read: \(error.message); the files it adds were not checked"))
            } catch let error as XArchError where error.code == .notFound && layer.mediaType.isNonDistributable {
                problems.append(.init(.warning, .unreadableLayer, platform: name, layer: layer.digest.description,
                                      message: "foreign layer \(layer.digest) of \(name) is not in this store, so its files were not checked"))
            }
        }
        var report = PlatformScan(platform: img.platform).scan(layers)
        report.findings = problems + report.findings
        return report
    }
}
