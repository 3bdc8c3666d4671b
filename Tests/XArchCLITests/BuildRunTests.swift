import Foundation
import Testing
import XArchBuild
import XArchCLI
import XArchModel
import XArchRun
import XArchTestSupport

/// RUN in `xarch build` (issue 13), on the 8-platform busybox layout as base: each RUN on its own
/// platform (natively or under QEMU), its changes as a layer (whiteouts included), `$BUILDPLATFORM`
/// stages natively and once, reproducible digests, and a failing RUN that writes nothing.
@Suite("xarch build with RUN", .enabled(if: TestCommandTests.canRunAll,
                                         "needs the buildah-busybox layout (scripts/fixtures) and a way to run its 8 platforms"))
struct BuildRunTests {
    static let base = "oci:\(TestCommandTests.layout):multi"

    /// A context directory with `dockerfile` and `files`; removed by the caller.
    static func context(_ dockerfile: String, files: [String: String] = [:]) throws -> String {
        let directory = try TestImages.temporaryDirectory("xarch-build-run")
        try Data(dockerfile.utf8).write(to: URL(fileURLWithPath: directory + "/Dockerfile"))
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name)) }
        return directory
    }

    /// `xarch test` of `reference` with `script` on every platform: platform → stdout.
    static func outputs(_ reference: String, _ script: String) async throws -> [String: String] {
        let r = await CLIRun.run("test", reference, "--no-cache", "--format", "json", "--", "/bin/busybox", "sh", "-c", script)
        #expect(r.code == 0, "\(r.stderr)\n\(r.stdout)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(r.stdout.utf8))
        return Dictionary(uniqueKeysWithValues: report.results.map { ($0.platform, $0.stdout) })
    }

    @Test func everyPlatformRunsItsOwnCommands() async throws {
        let context = try Self.context("""
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            ARG TARGETPLATFORM
            RUN busybox uname -m > /machine && echo "$TARGETPLATFORM" > /platform && busybox mkdir -p /tmp && echo scratch > /tmp/kept
            COPY gone.txt /gone.txt
            RUN busybox rm /gone.txt && busybox cat /tmp/kept > /from-tmp
            RUN true
            """, files: ["gone.txt": "bye\n"])
        defer { TestImages.cleanup(context) }
        let output = context + "/out"
        let r = await CLIRun.run("build", context, "--platform", "all", "--output", "oci:\(output):run", "--format", "json")
        #expect(r.code == 0, "\(r.stderr)")
        let seen = try await Self.outputs("oci:\(output):run", "cat /machine /platform /from-tmp; ls /gone.txt 2>&1 || true")
        #expect(seen.count == 8)
        for (platform, machine) in TestCommandTests.machines {
            let declared = platform == "linux/arm64/v8" ? "linux/arm64" : platform
            #expect(seen[platform] == "\(machine)\n\(declared)\nscratch\nls: /gone.txt: No such file or directory\n", "\(platform)")
        }
        // Two RUN layers and the shared COPY layer per platform: `RUN true` changed nothing, so no layer.
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let images = report?["images"] as? [[String: Any]] ?? []
        #expect(images.count == 8 && images.allSatisfy { $0["newLayers"] as? Int == 3 }, "\(images)")
        // Distinct blobs: the COPY's, the first RUN's per platform (each machine differs), and one for the
        // second RUN, whose changes (a whiteout and /from-tmp) are the same bytes on every platform.
        #expect(report?["layersWritten"] as? Int == 1 + 8 + 1)
    }

    @Test func buildPlatformStageRunsOnceNativelyAndTwoBuildsAgree() async throws {
        let context = try Self.context("""
            FROM --platform=$BUILDPLATFORM \(Self.base) AS tools
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN busybox uname -m > /built-on && busybox mkdir /out && echo tool > /out/tool && busybox ln /out/tool /out/link
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            COPY --from=tools /built-on /out/ /
            RUN busybox uname -m > /runs-on
            """)
        defer { TestImages.cleanup(context) }
        // --no-cache: every RUN runs (a result kept by an earlier test run would say "cached").
        let arguments = ["build", context, "--no-cache", "--platform", "linux/amd64,linux/arm64,linux/s390x"]
        let first = await CLIRun.run(arguments + ["--output", "oci:\(context)/one:x"])
        #expect(first.code == 0, "\(first.stderr)")
        let toolRuns = first.stderr.split(separator: "\n").filter { $0.contains(" 3/3] RUN") }
        #expect(toolRuns.count == 1, "the $BUILDPLATFORM stage runs once for three targets: \(first.stderr)")
        #expect(toolRuns.first?.hasPrefix("[linux/amd64 tools 3/3] RUN busybox uname -m") == true, "\(first.stderr)")
        // Per platform, once: the mode its RUNs run in; the summary counts what ran and what was shared.
        #expect(first.stderr.split(separator: "\n").filter { $0 == "[linux/s390x] RUN instructions run binfmt-userns" }.count == 1,
                "\(first.stderr)")
        #expect(first.stdout.contains("RUN on linux/amd64: native — 4 RUNs (2 ran, 2 shared)"), "\(first.stdout)")
        #expect(first.stdout.contains("RUN on linux/s390x: binfmt-userns ("), "\(first.stdout)")
        let seen = try await Self.outputs("oci:\(context)/one:x", "cat /built-on /runs-on /tool; busybox stat -c %h /link")
        #expect(seen == ["linux/amd64": "x86_64\nx86_64\ntool\n2\n", "linux/arm64/v8": "x86_64\naarch64\ntool\n2\n",
                         "linux/s390x": "x86_64\ns390x\ntool\n2\n"])
        let second = await CLIRun.run(arguments + ["--output", "oci:\(context)/two:x"])
        #expect(second.code == 0, "\(second.stderr)")
        func digest(_ layout: String) throws -> String? {
            let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(context)/\(layout)/index.json")))
            return ((index as? [String: Any])?["manifests"] as? [[String: Any]])?.first?["digest"] as? String
        }
        #expect(try digest("one") != nil && digest("one") == digest("two"), "the same inputs give the same index")
    }

    @Test func aFailingRunStopsTheBuildAndWritesNothing() async throws {
        let context = try Self.context("""
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN echo checking; test "$(busybox uname -m)" != s390x || { echo "no s390x support" >&2; exit 4; }
            """)
        defer { TestImages.cleanup(context) }
        let r = await CLIRun.run("build", context, "--platform", "linux/amd64,linux/s390x", "--output", "oci:\(context)/out:x")
        #expect(r.code == 1, "\(r.stderr)")
        #expect(r.stderr.contains("Dockerfile line 3: RUN echo checking"), "\(r.stderr)")
        #expect(r.stderr.contains("failed on linux/s390x (binfmt-userns): exit 4"), "\(r.stderr)")
        #expect(r.stderr.contains("  no s390x support"), "the last output lines: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: context + "/out"), "nothing written")
    }

    @Test func runOptionsAndHeredocs() async throws {
        let context = try Self.context("""
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN <<EOF
            echo one > /heredoc
            echo two >> /heredoc
            EOF
            RUN busybox cat <<EOT > /cat-heredoc
            in a file
            EOT
            RUN ["/bin/busybox", "sh", "-c", "echo exec > /exec"]
            RUN --network=none busybox cat /proc/net/dev | busybox wc -l > /interfaces
            RUN <<SCRIPT
            #!/bin/busybox sh
            echo "script as $0" > /script
            SCRIPT
            RUN busybox head -1 /etc/resolv.conf > /dns
            RUN --network=none (busybox ls /etc/resolv.conf 2>/dev/null || echo absent) > /no-dns
            """)
        defer { TestImages.cleanup(context) }
        let r = await CLIRun.run("build", context, "--platform", "linux/amd64,linux/arm64", "--output", "oci:\(context)/out:x")
        #expect(r.code == 0, "\(r.stderr)")
        let seen = try await Self.outputs("oci:\(context)/out:x", "cat /heredoc /cat-heredoc /exec /interfaces /no-dns /script; ls /dev/pipes 2>&1; true")
        #expect(Set(seen.values) == ["one\ntwo\nin a file\nexec\n3\nabsent\nscript as /dev/pipes/SCRIPT\nls: /dev/pipes: No such file or directory\n"], "\(seen)")
        // The host's name resolution reached the RUN (as BuildKit gives it), and no stub of it the image.
        let dns = try await Self.outputs("oci:\(context)/out:x", "cat /dns; ls /etc/resolv.conf 2>/dev/null; true")
        let first = try await Self.shell("head -1 /etc/resolv.conf")
        #expect(Set(dns.values) == [first], "\(dns)")
        let mount = try Self.context("FROM \(Self.base)\nRUN --mount=type=ssh true\n")
        defer { TestImages.cleanup(mount) }
        let refused = await CLIRun.run("build", mount, "--platform", "linux/amd64", "--output", "oci:\(mount)/out:x")
        #expect(refused.code == 1 && refused.stderr.contains("--mount type=ssh is not supported by xarch build"), "\(refused.stderr)")
    }

    /// RUN --mount: a cache directory kept between builds (per platform), a secret that reaches the RUN as
    /// a file and a variable but never a layer, the context bound read-only, a tmpfs; no mount point is
    /// left in the image.
    @Test func mountsCacheSecretBindAndTmpfs() async throws {
        let context = try Self.context("""
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN --mount=type=cache,target=/var/cache/thing,id=thing \\
                echo run >> /var/cache/thing/log && busybox wc -l < /var/cache/thing/log > /count
            RUN --mount=type=secret,id=token --mount=type=secret,id=token,env=TOKEN \\
                busybox cat /run/secrets/token > /seen-file && echo "$TOKEN" > /seen-env && busybox stat -c %a /run/secrets/token > /mode
            RUN --mount=type=bind,source=src,target=/src busybox cp /src/a.txt /copied && (echo x > /src/new 2>/dev/null || echo ro > /ro)
            RUN --mount=type=tmpfs,target=/scratch echo big > /scratch/x && busybox ls /scratch > /listed
            """, files: ["token": "s3cr3t"])
        defer { TestImages.cleanup(context) }
        try FileManager.default.createDirectory(atPath: context + "/src", withIntermediateDirectories: true)
        try Data("from the context\n".utf8).write(to: URL(fileURLWithPath: context + "/src/a.txt"))
        let cacheHome = try TestImages.temporaryDirectory("xarch-cache-home")
        defer { TestImages.cleanup(cacheHome) }
        // The real executable, with its own cache directory: cache mounts live there between builds.
        func build(_ tag: String) async throws -> ProcessRun.Result {
            // --no-cache: the cache mount is what this test counts, so every RUN runs.
            try await ProcessRun.run(try Executables.find("xarch", override: "XARCH_EXECUTABLE"),
                                     ["build", context, "--no-cache", "--platform", "linux/amd64,linux/arm64", "--secret",
                                      "id=token,src=\(context)/token", "--output", "oci:\(context)/out:\(tag)"],
                                     environment: ["XDG_CACHE_HOME": cacheHome])
        }
        let first = try await build("one")
        #expect(first.code == 0, "\(first.stderr)")
        let second = try await build("two")
        #expect(second.code == 0, "\(second.stderr)")
        let one = try await Self.outputs("oci:\(context)/out:one", "cat /count")
        let two = try await Self.outputs("oci:\(context)/out:two",
                                         "cat /count /seen-file; echo; cat /seen-env /mode /copied /ro /listed; ls -d /run /scratch /src /var/cache/thing 2>/dev/null; true")
        #expect(Set(one.values) == ["1\n"])
        #expect(Set(two.values) == ["2\ns3cr3t\ns3cr3t\n400\nfrom the context\nro\nx\n"], "\(two)")
        // The secret is in no layer blob of the image, except the layer of the files this test writes it to.
        for blob in try FileManager.default.contentsOfDirectory(atPath: "\(context)/out/blobs/sha256") {
            let path = "\(context)/out/blobs/sha256/\(blob)"
            let count = try await Self.shell("(gzip -dc '\(path)' 2>/dev/null || cat '\(path)') | grep -c s3cr3t; true")
            guard count.trimmingCharacters(in: .whitespacesAndNewlines) != "0" else { continue }
            let names = try await Self.shell("gzip -dc '\(path)' | tar -t")
            #expect(!names.contains("run/secrets"), "a mount point of the secret reached a layer: \(names)")
            #expect(names.split(separator: "\n").sorted() == ["mode", "seen-env", "seen-file"], "\(names)")
        }
    }

    /// `sharing=locked`: two builds at once take turns on the cache (no RUN sees the other's marker);
    /// `sharing=private`: the build that finds the cache in use gets a fresh, empty directory, and only
    /// the other's RUN reaches the kept cache.
    @Test func lockedCachesTakeTurnsAndPrivateOnesSplit() async throws {
        let cacheHome = try TestImages.temporaryDirectory("xarch-cache-sharing")
        defer { TestImages.cleanup(cacheHome) }
        func twoBuildsAtOnce(_ sharing: String) async throws -> [ProcessRun.Result] {
            let context = try Self.context("""
                FROM \(Self.base)
                SHELL ["/bin/busybox", "sh", "-c"]
                RUN --mount=type=cache,target=/c,id=\(sharing),sharing=\(sharing) \\
                    if [ -e /c/busy ]; then echo overlap; fi; echo "seen: $(busybox cat /c/log 2>/dev/null | busybox wc -l)"; \\
                    busybox touch /c/busy; busybox sleep 2; busybox rm /c/busy; echo done >> /c/log
                """)
            defer { TestImages.cleanup(context) }
            let xarch = try Executables.find("xarch", override: "XARCH_EXECUTABLE")
            async let one = ProcessRun.run(xarch, ["build", context, "--no-cache", "--platform", "linux/amd64", "--progress", "plain",
                                                   "--output", "oci:\(context)/out:one"], environment: ["XDG_CACHE_HOME": cacheHome])
            async let two = ProcessRun.run(xarch, ["build", context, "--no-cache", "--platform", "linux/amd64", "--progress", "plain",
                                                   "--output", "oci:\(context)/out:two"], environment: ["XDG_CACHE_HOME": cacheHome])
            let results = try await [one, two]
            for result in results { #expect(result.code == 0, "\(result.stderr)") }
            return results
        }
        let locked = try await twoBuildsAtOnce("locked")
        let lockedText = locked.map(\.stderr).joined()
        #expect(!lockedText.contains("] overlap\n"), "\(lockedText)")
        #expect(Set(locked.compactMap { $0.stderr.split(separator: "\n").first { $0.contains("] seen: ") }?.split(separator: " ").last })
                == ["0", "1"], "the second waited for the first and saw its line: \(lockedText)")

        let split = try await twoBuildsAtOnce("private")
        let splitText = split.map(\.stderr).joined()
        #expect(!splitText.contains("] overlap\n"), "\(splitText)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: cacheHome + "/xarch/mounts").filter { !$0.hasSuffix(".lock") }
        let logs = try kept.map { try String(contentsOfFile: cacheHome + "/xarch/mounts/\($0)/log", encoding: .utf8) }
        // locked: two lines in its cache; private: one (the other build's RUN wrote to its own directory)
        #expect(logs.sorted() == ["done\n", "done\ndone\n"], "\(logs)")
    }

    /// `--mount=type=cache,from=STAGE,source=DIR`: a new cache starts with the stage's DIR (owned by the
    /// mount's uid), then keeps what RUNs add; the stage is not even run once the cache has content.
    @Test func aCacheMountStartsFromAStage() async throws {
        let context = try Self.context("""
            FROM \(Self.base) AS seed
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN busybox mkdir -p /seed/sub && echo from-seed > /seed/sub/a && busybox ln -s sub/a /seed/link
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN --mount=type=cache,target=/c,from=seed,source=/seed,uid=7 \\
                echo run >> /c/sub/a && echo "$(busybox stat -c %u /c/sub/a) $(busybox readlink /c/link) $(busybox cat /c/link)" > /seen
            """)
        defer { TestImages.cleanup(context) }
        let cacheHome = try TestImages.temporaryDirectory("xarch-cache-from")
        defer { TestImages.cleanup(cacheHome) }
        func build(_ tag: String) async throws -> ProcessRun.Result {
            try await ProcessRun.run(try Executables.find("xarch", override: "XARCH_EXECUTABLE"),
                                     ["build", context, "--no-cache", "--platform", "linux/amd64,linux/arm64", "--output", "oci:\(context)/out:\(tag)"],
                                     environment: ["XDG_CACHE_HOME": cacheHome])
        }
        let first = try await build("one")
        #expect(first.code == 0, "\(first.stderr)")
        let second = try await build("two")
        #expect(second.code == 0, "\(second.stderr)")
        #expect(!second.stderr.contains("seed 3/3] RUN"), "the seed stage ran although the cache had content: \(second.stderr)")
        #expect(Set(try await Self.outputs("oci:\(context)/out:one", "cat /seen").values) == ["7 sub/a from-seed\nrun\n"])
        #expect(Set(try await Self.outputs("oci:\(context)/out:two", "cat /seen").values) == ["7 sub/a from-seed\nrun\nrun\n"])
        let bad = try Self.context("""
            FROM \(Self.base) AS seed
            FROM \(Self.base)
            RUN --mount=type=cache,target=/c,from=seed,source=/nope true
            """)
        defer { TestImages.cleanup(bad) }
        let refused = await CLIRun.run("build", bad, "--no-cache", "--platform", "linux/amd64", "--output", "oci:\(bad)/out:x")
        #expect(refused.code != 0 && refused.stderr.contains("line 3") && refused.stderr.contains("from=seed,source=/nope"),
                "\(refused.stderr)")
    }

    /// The metadata-diff fallback (no overlayfs: `XARCH_RUN_WITHOUT_OVERLAY=1` forces it) gives the very
    /// layers the overlay gives — additions, changes, deletions, a directory removed and made again (its
    /// inode number may come back: the birth time tells), a symlink, a hard link, mode and owner changes,
    /// a file only touched — so the same index digest; and it says it was taken.
    @Test func theMetadataDiffFallbackGivesTheOverlaysLayers() async throws {
        let context = try Self.context("""
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            COPY data/ /data/
            RUN busybox mkdir -p /new/deep && echo n > /new/deep/f && echo changed >> /data/keep && busybox rm /data/gone \\
                && busybox rm -rf /data/dir && busybox mkdir /data/dir && echo fresh > /data/dir/x && busybox ln -s keep /data/sym \\
                && busybox ln /data/keep /data/hard && busybox chmod 600 /data/mode && busybox touch -d @0 /data/touched
            RUN busybox rm -rf /new && busybox chown 7:7 /data/mode && busybox mkdir -p /tmp && echo t > /tmp/t
            RUN true
            """)
        defer { TestImages.cleanup(context) }
        for (path, text) in ["data/keep": "k\n", "data/gone": "g\n", "data/mode": "m\n", "data/touched": "t\n", "data/dir/sub/old": "o\n"] {
            try FileManager.default.createDirectory(atPath: context + "/" + (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: context + "/" + path))
        }
        func build(_ tag: String, overlay: Bool) async throws -> ProcessRun.Result {
            try await ProcessRun.run(try Executables.find("xarch", override: "XARCH_EXECUTABLE"),
                                     ["build", context, "--no-cache", "--platform", "linux/amd64,linux/arm64", "--format", "json",
                                      "--output", "oci:\(context)/out:\(tag)"],
                                     environment: ["XARCH_RUN_WITHOUT_OVERLAY": overlay ? "0" : "1"])
        }
        let overlay = try await build("overlay", overlay: true)
        let copied = try await build("copied", overlay: false)
        #expect(overlay.code == 0 && copied.code == 0, "\(overlay.stderr)\n\(copied.stderr)")
        let reports = try [overlay, copied].map { try JSONDecoder().decode(BuildReport.self, from: Data($0.stdout.utf8)) }
        #expect(reports[0].digest == reports[1].digest)
        #expect(reports[0].runs.allSatisfy { !$0.how.contains("metadata diff") } && reports[1].runs.count == 2
                && reports[1].runs.allSatisfy { $0.how.contains("no overlayfs: metadata diff") }, "\(reports[1].runs)")
        #expect(Set(try await Self.outputs("oci:\(context)/out:copied",
                                           "cd /data; busybox ls -A; busybox ls dir; busybox cat keep hard; busybox stat -c %a:%u mode; busybox ls /new 2>&1; true").values)
                == ["dir\nhard\nkeep\nmode\nsym\ntouched\nx\nk\nchanged\nk\nchanged\n600:7\nls: /new: No such file or directory\n"])
    }

    /// The stdout of `sh -c script` (from a thread of its own, not the cooperative pool).
    static func shell(_ script: String) async throws -> String {
        try await ProcessRun.shell(script).stdout
    }

    /// The build cache: a second build of unchanged inputs runs nothing and gives the same digests; a
    /// changed context file re-runs only the RUNs that depend on it (the RUN above its COPY is kept).
    @Test func aSecondBuildRunsNothingAndAChangeRerunsOnlyWhatDependsOnIt() async throws {
        let context = try Self.context("""
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN busybox uname -m > /m
            COPY src/ /src/
            RUN --mount=type=bind,source=src,target=/in busybox cat /in/a.txt /src/a.txt > /both
            """)
        defer { TestImages.cleanup(context) }
        try FileManager.default.createDirectory(atPath: context + "/src", withIntermediateDirectories: true)
        try Data("one\n".utf8).write(to: URL(fileURLWithPath: context + "/src/a.txt"))
        let cacheHome = try TestImages.temporaryDirectory("xarch-build-cache")
        defer { TestImages.cleanup(cacheHome) }
        func build(_ tag: String) async throws -> (lines: [String], digest: String) {
            let result = try await ProcessRun.run(try Executables.find("xarch", override: "XARCH_EXECUTABLE"),
                                                  ["build", context, "--platform", "linux/amd64,linux/arm64",
                                                   "--output", "oci:\(context)/out:\(tag)", "--format", "json"],
                                                  environment: ["XDG_CACHE_HOME": cacheHome])
            try #require(result.code == 0, "\(result.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            // JSON output prints no RUN lines: read which RUNs ran from the kept results' directories.
            let kept = (try? FileManager.default.contentsOfDirectory(atPath: cacheHome + "/xarch/build")) ?? []
            return (kept.sorted(), report?["digest"] as? String ?? "")
        }
        let first = try await build("one")
        #expect(first.lines.count == 4, "two RUNs on two platforms kept: \(first.lines)")
        let second = try await build("two")
        #expect(second.lines == first.lines, "nothing new ran")
        #expect(second.digest == first.digest && !first.digest.isEmpty)
        try Data("two\n".utf8).write(to: URL(fileURLWithPath: context + "/src/a.txt"))
        let third = try await build("three")
        #expect(third.lines.count == 6, "only the RUN after the COPY ran again, on both platforms: \(third.lines)")
        #expect(Set(third.lines).isSuperset(of: first.lines))
        #expect(third.digest != first.digest)
        let seen = try await Self.outputs("oci:\(context)/out:three", "cat /both")
        #expect(Set(seen.values) == ["two\ntwo\n"])
    }

    /// examples/busybox-run, prepared from the fixtures and built for every platform it can: the
    /// $BUILDPLATFORM stage once, natively; each platform's RUNs on that platform; the image runs as its user.
    @Test func theBusyboxRunExampleBuildsAndRunsEverywhere() async throws {
        let work = try TestImages.temporaryDirectory("xarch-example-run")
        defer { TestImages.cleanup(work) }
        let example = URL(fileURLWithPath: BuildCommandTests.hello).deletingLastPathComponent().appendingPathComponent("busybox-run").path
        try FileManager.default.copyItem(atPath: example, toPath: work + "/example")
        try? FileManager.default.removeItem(atPath: work + "/example/busybox")
        _ = try await Self.shell("XARCH_FIXTURES='\(Integration.fixturesRoot)' '\(work)/example/prepare' >/dev/null 2>&1; echo $?")
        let build = await CLIRun.run("build", work + "/example", "--platform", "all", "--no-cache", "--output", "oci:\(work)/out:x")
        #expect(build.code == 0, "\(build.stderr)")
        #expect(build.stderr.split(separator: "\n").filter { $0.hasPrefix("[") && $0.contains("] RUN busybox echo \"generated on") }.count == 1,
                "generate runs once: \(build.stderr)")
        let r = await CLIRun.run("test", "oci:\(work)/out:x", "--platform", "all", "--require-all", "--no-cache", "--format", "json")
        #expect(r.code == 0, "\(r.stderr)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(r.stdout.utf8))
        #expect(report.results.count == 8)
        let host = try await Self.shell("uname -m").trimmingCharacters(in: .whitespacesAndNewlines)
        for (platform, machine) in TestCommandTests.machines {
            let name = platform == "linux/arm64/v8" ? "linux/arm64" : platform
            #expect(report.results.first { $0.platform == name }?.stdout
                    == "generated on \(host)\nbuilt for \(machine)\nrunning as app on \(machine)\n", "\(platform)")
        }
    }

    /// `--test` runs every platform of the result before anything is written; `--progress plain` shows
    /// each RUN's output as it runs, line by line, prefixed with its platform.
    @Test func testBeforeWritingAndPlainProgress() async throws {
        let context = try Self.context("""
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN echo "hello from $(busybox uname -m)"; echo "to stderr" >&2; busybox uname -m > /m
            CMD ["/bin/busybox", "cat", "/m"]
            """)
        defer { TestImages.cleanup(context) }
        let platforms = ["--platform", "linux/amd64,linux/s390x", "--no-cache"]
        let failing = await CLIRun.run(["build", context] + platforms + ["--test", "--output", "oci:\(context)/bad:x", "--", "/bin/busybox", "false"])
        #expect(failing.code == 3, "\(failing.stderr)")
        #expect(failing.stderr.contains("2 of 2 platforms failed xarch test") && failing.stderr.contains("nothing was written or pushed"),
                "\(failing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: context + "/bad"))
        let passing = await CLIRun.run(["build", context] + platforms + ["--test", "--progress", "plain", "--format", "json",
                                                                         "--output", "oci:\(context)/good:x"])
        #expect(passing.code == 0, "\(passing.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(passing.stdout.utf8)) as? [String: Any]
        let test = report?["test"] as? [String: Any]
        #expect(test?["passed"] as? Int == 2, "\(passing.stdout)")
        let stdouts = (test?["results"] as? [[String: Any]])?.compactMap { $0["stdout"] as? String }.sorted()
        #expect(stdouts == ["s390x\n", "x86_64\n"])
        for line in ["[linux/amd64 3/4] hello from x86_64", "[linux/s390x 3/4] hello from s390x", "[linux/s390x 3/4] to stderr"] {
            #expect(passing.stderr.contains(line), "\(line) in \(passing.stderr)")
        }
        let quiet = await CLIRun.run(["build", context] + platforms + ["--progress", "quiet", "--output", "oci:\(context)/quiet:x"])
        #expect(quiet.code == 0 && !quiet.stderr.contains("RUN"), "\(quiet.stderr)")
        let stray = await CLIRun.run(["build", context] + platforms + ["--output", "oci:\(context)/x:x", "--", "true"])
        #expect(stray.code == 2 && stray.stderr.contains("add --test"), "\(stray.stderr)")
    }

    /// `RUN --mount=type=bind,from=…`: an earlier stage that ran something (its RUN's layers seen through a
    /// read-only overlay, symlinks resolved inside it) and an image for the stage's platform.
    @Test func bindMountsFromAStageAndAnImage() async throws {
        let context = try Self.context("""
            FROM --platform=$BUILDPLATFORM \(Self.base) AS builder
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN busybox mkdir -p /out && busybox uname -m > /out/made-on && busybox ln -s made-on /out/link && busybox ln -s /out /linked-out
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN --mount=type=bind,from=builder,source=/linked-out,target=/in busybox cat /in/link > /got && busybox ls /in > /listing \\
                && (busybox touch /in/x 2>/dev/null || echo read-only > /ro)
            RUN --mount=type=bind,from=\(Self.base),source=/bin,target=/img busybox ls /img > /image-bin
            """)
        defer { TestImages.cleanup(context) }
        let r = await CLIRun.run("build", context, "--platform", "linux/amd64,linux/arm64", "--no-cache", "--output", "oci:\(context)/out:x")
        #expect(r.code == 0, "\(r.stderr)")
        let host = try await Self.shell("uname -m")
        let seen = try await Self.outputs("oci:\(context)/out:x", "cat /got /listing /ro /image-bin; ls -d /in /img 2>&1 | busybox wc -l")
        #expect(Set(seen.values) == ["\(host)link\nmade-on\nread-only\nbusybox\nsh\n2\n"], "\(seen)")
        let missing = try Self.context("FROM \(Self.base)\nRUN --mount=type=bind,from=\(Self.base),source=/nope,target=/x true\n")
        defer { TestImages.cleanup(missing) }
        let refused = await CLIRun.run("build", missing, "--platform", "linux/amd64", "--output", "oci:\(missing)/out:x")
        #expect(refused.code == 1 && refused.stderr.contains("there is no /nope in image"), "\(refused.stderr)")
    }

    /// A file overlayfs copied up but the RUN left as it was (opened for appending, nothing written) is no
    /// change: the RUN adds no layer. A real change next to it is kept.
    @Test func copiedUpButUnchangedFilesAreNoChange() async throws {
        let context = try Self.context("""
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN busybox mkdir /data && echo keep > /data/kept
            RUN : >> /data/kept
            RUN : >> /data/kept && echo new > /data/new
            """)
        defer { TestImages.cleanup(context) }
        let r = await CLIRun.run("build", context, "--platform", "linux/amd64", "--no-cache", "--format", "json", "--output", "oci:\(context)/out:x")
        #expect(r.code == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((report?["images"] as? [[String: Any]])?.first?["newLayers"] as? Int == 2, "\(r.stdout)")
        let layers = try FileManager.default.contentsOfDirectory(atPath: "\(context)/out/blobs/sha256")
        var listed: [String] = []
        for blob in layers {
            let names = try await Self.shell("gzip -dc '\(context)/out/blobs/sha256/\(blob)' 2>/dev/null | tar -t 2>/dev/null; true")
            if names.contains("data/new") { listed = names.split(separator: "\n").map(String.init) }
        }
        #expect(listed == ["data/", "data/new"], "only the new file (and its directory): \(listed)")
    }

    /// `--no-cache-filter STAGE`: that stage's RUNs run again, the other stages' results come from the cache.
    @Test func noCacheFilterRerunsOneStage() async throws {
        let context = try Self.context("""
            FROM \(Self.base) AS tools
            SHELL ["/bin/busybox", "sh", "-c"]
            RUN echo tools > /t
            FROM \(Self.base)
            SHELL ["/bin/busybox", "sh", "-c"]
            COPY --from=tools /t /t
            RUN echo final > /f
            """)
        defer { TestImages.cleanup(context) }
        let base = ["build", context, "--platform", "linux/amd64", "--output", "oci:\(context)/out:x"]
        let first = await CLIRun.run(base)
        #expect(first.code == 0, "\(first.stderr)")
        let second = await CLIRun.run(base + ["--no-cache-filter", "tools"])
        #expect(second.code == 0, "\(second.stderr)")
        #expect(second.stderr.contains("[linux/amd64 tools 3/3] RUN echo tools"), "\(second.stderr)")
        #expect(second.stderr.contains("[linux/amd64 stage-1 4/4] CACHED RUN echo final"), "\(second.stderr)")
        let wrong = await CLIRun.run(base + ["--no-cache-filter", "nope"])
        #expect(wrong.code == 1 && wrong.stderr.contains("--no-cache-filter nope: there is no such stage"), "\(wrong.stderr)")
    }
}
