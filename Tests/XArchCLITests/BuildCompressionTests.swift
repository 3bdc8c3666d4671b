import Foundation
import Testing
import XArchCLI
import XArchTestSupport

/// `xarch build --jobs`, `--compression` and `--compression-level`: the layers' bytes depend on the input,
/// the compression and its level, never on the number of workers; the demo's digests do not move.
@Suite("xarch build compression")
struct BuildCompressionTests {
    /// A context whose one layer is many 256 KiB gzip blocks (≈ 3 MiB of tar), half compressible.
    static func multiBlockContext() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-pgzip-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(dir)/data", withIntermediateDirectories: true)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var noise = [UInt8](repeating: 0, count: 1_500_000)
        for i in noise.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            noise[i] = UInt8(truncatingIfNeeded: state)
        }
        try Data(noise).write(to: URL(fileURLWithPath: "\(dir)/data/noise.bin"))
        let text = (0..<60_000).map { "line \($0) of a multi-block layer\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/data/text.txt"))
        try Data("FROM scratch\nCOPY data /data\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/Dockerfile"))
        return dir
    }

    static func build(_ context: String, _ extra: [String]) async throws -> (digest: String, layout: String) {
        let out = "\(context)/out-\(UUID().uuidString)"
        let r = await CLIRun.run(["build", context, "--platform", "linux/amd64,linux/arm64", "--output", "oci:\(out):v1",
                                  "--format", "json"] + extra)
        #expect(r.code == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return (report?["digest"] as? String ?? "", out)
    }

    /// The largest blob of a layout (the layer here).
    static func largestBlob(_ layout: String) throws -> (path: String, size: Int) {
        let dir = "\(layout)/blobs/sha256"
        return try FileManager.default.contentsOfDirectory(atPath: dir).map { name -> (String, Int) in
            let size = try FileManager.default.attributesOfItem(atPath: "\(dir)/\(name)")[.size] as? Int ?? 0
            return ("\(dir)/\(name)", size)
        }.max { $0.1 < $1.1 }!
    }

    @Test func oneAndEightJobsGiveTheSameIndex() async throws {
        let context = try Self.multiBlockContext()
        defer { try? FileManager.default.removeItem(atPath: context) }
        let one = try await Self.build(context, ["--jobs", "1"])
        let eight = try await Self.build(context, ["--jobs", "8"])
        #expect(one.digest.hasPrefix("sha256:") && one.digest == eight.digest)
        let layer = try Self.largestBlob(eight.layout)
        #expect(layer.size > 4 * 256 * 1024, "the layer must span several blocks")
        let check = try await ProcessRun.shell("gzip -t '\(layer.path)' && gzip -dc '\(layer.path)' | tar -tf - | sort | tr '\\n' ' '")
        #expect(check.code == 0 && check.stdout == "data/ data/noise.bin data/text.txt ", "\(check.stderr)")
    }

    @Test func theDemoKeepsItsPublishedDigest() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cli-demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = await CLIRun.run("build", BuildCommandTests.hello, "--platform", "all", "--output", "oci:\(out):latest",
                                 "--format", "json", "--jobs", "8")
        #expect(r.code == 0, "\(r.stderr)")
        // README.md, "scripts/demo": the index every machine gets.
        #expect(r.stdout.contains("\"digest\" : \"sha256:57df81dd127e9228f1dc40c5b8741cf0327fe44c53dff1046689d715c3268204\""))
    }

    @Test func zstdWritesTarZstdLayersTheSameWithAnyJobs() async throws {
        let context = try Self.multiBlockContext()
        defer { try? FileManager.default.removeItem(atPath: context) }
        let one = try await Self.build(context, ["--jobs", "1", "--compression", "zstd"])
        let four = try await Self.build(context, ["--jobs", "4", "--compression", "zstd", "--compression-level", "3"])
        let gzip = try await Self.build(context, ["--jobs", "4"])
        #expect(one.digest == four.digest && one.digest != gzip.digest)
        let layer = try Self.largestBlob(one.layout)
        let check = try await ProcessRun.shell("""
            zstd -q -t '\(layer.path)' && zstd -q -dc '\(layer.path)' | tar -tf - | sort | tr '\\n' ' ' && \
            grep -rl 'application/vnd.oci.image.layer.v1.tar+zstd' '\(one.layout)/blobs/sha256' | wc -l
            """)
        #expect(check.stdout == "data/ data/noise.bin data/text.txt 2\n", "\(check.stderr)")
    }

    @Test(arguments: [
        (["--compression", "brotli"], "--compression must be gzip or zstd, not brotli"),
        (["--compression-level", "10"], "--compression-level must be between 1 and 9 for gzip"),
        (["--compression", "zstd", "--compression-level", "20"], "--compression-level must be between 1 and 19 for zstd"),
    ])
    func badCompressionOptionsAreOneLineUsageErrors(extra: [String], message: String) async {
        let r = await CLIRun.run(["build", ".", "--platform", "linux/amd64", "--output", "oci:/tmp/never"] + extra)
        #expect(r.code == 2)
        // One line naming the option, then build's usage (as every usage error of the CLI).
        #expect(r.stderr.split(separator: "\n").first.map(String.init) == "Error: \(message)", "\(r.stderr)")
    }

    @Test func helpNamesTheCompressionOptions() async {
        let r = await CLIRun.run("build", "--help")
        for text in ["--compression <gzip|zstd>", "--compression-level <n>", "zstd 1 to 19, default 3"] {
            #expect(r.stdout.contains(text), "help lacks \(text)")
        }
    }
}
