import Foundation
import Testing
import XArchCLI
import XArchModel
import XArchRun
import XArchTestSupport

/// `xarch test` on a real, dynamically linked Debian root filesystem (arm64 and armhf, assembled from
/// Debian packages by `scripts/fixtures`): bash, the dynamic loader, coreutils and perl run under QEMU.
@Suite("xarch test on a dynamically linked Debian image")
struct TestCommandDebianTests {
    static let reference = "oci:\(Integration.fixturesRoot)/layouts/debian-rootfs:debian"
    static var runnable: Bool {
        guard Integration.hasFixture("layouts/debian-rootfs/index.json") else { return false }
        let modes = ExecutionModes.detect()
        return ["linux/arm64", "linux/arm/v7"].allSatisfy { name in
            guard let platform = try? Platform(parsing: name), case .skipped = modes.mode(for: platform) else { return true }
            return false
        }
    }

    @Test(.enabled(if: runnable, "needs fixtures/layouts/debian-rootfs (scripts/fixtures) and QEMU for arm64 and arm/v7"))
    func bashLsAndPerlRunOnEveryPlatform() async throws {
        do {
            let r = await CLIRun.run("test", Self.reference, "--platform", "all", "--no-cache", "--format", "json",
                                     "--", "bash", "-c", "ls -l / && perl -e 'print qq(perl ok\\n)' && uname -m")
            #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            let results = report?["results"] as? [[String: Any]] ?? []
            #expect(results.count == 2)
            for result in results {
                let out = result["stdout"] as? String ?? ""
                #expect(result["passed"] as? Bool == true, "\(result)")
                #expect(out.contains("perl ok") && out.contains("bin -> usr/bin"), "\(out)")
            }
            #expect(results.compactMap { ($0["stdout"] as? String)?.split(separator: "\n").last.map(String.init) }.sorted()
                    == ["aarch64", "armv7l"])
        }
    }

    /// RUN on the Debian image: bash through the default shell's replacement, a user added to
    /// /etc/passwd by one RUN and taken by USER in the next, perl, and a file deleted — then the result run.
    @Test(.enabled(if: runnable, "needs fixtures/layouts/debian-rootfs (scripts/fixtures) and QEMU for arm64 and arm/v7"))
    func runBuildsOnTheDebianImage() async throws {
        let context = try TestImages.temporaryDirectory("xarch-debian-run")
        defer { TestImages.cleanup(context) }
        try Data("""
            FROM \(Self.reference)
            SHELL ["/bin/bash", "-c"]
            RUN echo "app:x:1000:1000:app:/home/app:/bin/bash" >> /etc/passwd && echo "app:x:1000:" >> /etc/group \\
                && mkdir -p /home/app && chown 1000:1000 /home/app && rm /usr/bin/perl5* 2>/dev/null; true
            USER app
            WORKDIR /home/app
            RUN perl -e 'print "built by ", scalar(getpwuid($<)), " on ", `uname -m`' > note && id -u > uid
            """.utf8).write(to: URL(fileURLWithPath: context + "/Dockerfile"))
        let build = await CLIRun.run("build", context, "--platform", "all", "--output", "oci:\(context)/out:x")
        #expect(build.code == 0, "\(build.stderr)")
        let r = await CLIRun.run("test", "oci:\(context)/out:x", "--no-cache", "--format", "json", "--",
                                 "bash", "-c", "cat note uid; stat -c %U:%G .; id -un")
        #expect(r.code == 0, "\(r.stderr)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(r.stdout.utf8))
        #expect(report.results.map(\.stdout).sorted() == ["built by app on aarch64\n1000\napp:app\napp\n",
                                                          "built by app on armv7l\n1000\napp:app\napp\n"])
    }
}
