import Foundation
import Testing
import XArchTestSupport

/// What `lint` and `dockerfile parse` say about inputs that are not Dockerfiles (issue 18): one sentence
/// naming the file and what it is, never Foundation's "The operation could not be completed", and a
/// one-line 256 MiB file fails at the 64 KiB line limit without being read whole.
@Suite("Dockerfile inputs that are not Dockerfiles")
struct DockerfileInputTests {
    @Test(arguments: [["lint"], ["dockerfile", "parse"]])
    func directoriesMissingFilesAndDevicesAreNamed(command: [String]) async throws {
        try await TestImages.withTemporaryDirectory("dockerfile-inputs") { dir in
            let cases = [(dir, "the Dockerfile (\(dir)) is a directory, not a file"),
                         ("\(dir)/missing", "cannot read \(dir)/missing: No such file or directory"),
                         ("/dev/zero", "the Dockerfile (/dev/zero) is a device, not a file")]
            for (path, message) in cases {
                let r = await CLIRun.run(command + [path])
                #expect(r.code == 1 && r.stderr == "xarch: \(message)\n", "\(path): \(r.stderr)")
            }
        }
    }

    /// The file is sparse (256 MiB of NUL bytes, no newline, no disk space); the xarch executable's peak
    /// memory is measured by GNU time.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs GNU time"))
    func aHugeSingleLineFailsAtTheLineLimitWithoutReadingItWhole() async throws {
        try await TestImages.withTemporaryDirectory("dockerfile-inputs") { dir in
            let file = "\(dir)/Dockerfile"
            _ = try await ProcessRun.shell("truncate -s 256M '\(file)'")
            let xarch = try Executables.find("xarch", override: "XARCH_EXECUTABLE")
            // Peak memory, not time, is asserted: a loaded machine makes any time limit flaky.
            let r = try await ProcessRun.run(URL(fileURLWithPath: "/usr/bin/time"), ["-f", "peak %M KiB", xarch.path, "lint", file])
            #expect(r.code == 1)
            #expect(r.stderr.hasPrefix("xarch: the Dockerfile (\(file)): line 1 is longer than the 65535-byte limit for a line\n"), "\(r.stderr)")
            let peak = r.stderr.split(separator: "\n").last.flatMap { Int($0.split(separator: " ")[1]) } ?? .max
            #expect(peak < 128 * 1024, "peak memory \(peak) KiB: the line was held whole")
        }
    }
}
