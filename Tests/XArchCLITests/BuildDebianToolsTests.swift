import Foundation
import Testing
import XArchCLI
import XArchModel
import XArchRun
import XArchTestSupport

/// RUN on the Debian bases the fixture script assembles (`debian-tools`: dash, dpkg with its status
/// database, passwd, apt-get), for linux/arm64 and linux/arm/v7 under QEMU, the way Dockerfiles use them
/// (issue 13): `dpkg -i` of a local package (its postinst runs on the target), a user made by `groupadd`
/// and `useradd` taken by `USER`, and apt's archive cache in a `--mount=type=cache` kept between builds.
@Suite("xarch build with RUN on the Debian bases", .enabled(if: DebianToolsBase.runnable,
       "needs fixtures/layouts/debian-rootfs with the debian-tools tag (scripts/fixtures), dpkg-deb and QEMU for arm64 and arm/v7"))
struct BuildDebianToolsTests {
    static let base = "oci:\(Integration.fixturesRoot)/layouts/debian-rootfs:debian-tools"
    static let platforms = "linux/arm64,linux/arm/v7"

    /// A context holding `repo/`: a Debian package made here with dpkg-deb (Architecture: all, a postinst
    /// that records `dpkg --print-architecture`), and the flat repository index apt reads (`Packages`,
    /// an unsigned `Release`: the source is `[trusted=yes]`).
    static func context(_ dockerfile: String) async throws -> String {
        let context = try TestImages.temporaryDirectory("xarch-build-debian")
        try Data(dockerfile.utf8).write(to: URL(fileURLWithPath: context + "/Dockerfile"))
        let made = try await ProcessRun.shell("""
            set -e
            cd '\(context)'
            mkdir -p pkg/DEBIAN pkg/usr/share/xarch-hello repo
            printf 'Package: xarch-hello\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: xarch tests <tests@xarch.invalid>\\nDepends: libc6, dash\\nDescription: made by the xarch tests\\n' > pkg/DEBIAN/control
            printf '#!/bin/sh\\nset -e\\necho "postinst on $(dpkg --print-architecture)" > /usr/share/xarch-hello/installed-on\\necho "xarch-hello postinst ran"\\n' > pkg/DEBIAN/postinst
            chmod 755 pkg/DEBIAN/postinst
            echo hello > pkg/usr/share/xarch-hello/greeting
            dpkg-deb --root-owner-group -Zgzip --build pkg repo/xarch-hello_1.0_all.deb >/dev/null
            rm -rf pkg
            cd repo
            { dpkg-deb -f xarch-hello_1.0_all.deb; echo "Filename: ./xarch-hello_1.0_all.deb"
              echo "Size: $(stat -c %s xarch-hello_1.0_all.deb)"; echo "SHA256: $(sha256sum xarch-hello_1.0_all.deb | cut -d' ' -f1)"; } > Packages
            printf 'Origin: xarch-test\\nSuite: local\\nDate: Thu, 01 Jan 1970 00:00:00 UTC\\nSHA256:\\n %s %s Packages\\n' \\
                "$(sha256sum Packages | cut -d' ' -f1)" "$(stat -c %s Packages)" > Release
            """)
        #expect(made.code == 0, "\(made.stderr)")
        return context
    }

    /// `xarch test` of `reference` with `script` (through /bin/sh) on every platform: platform → stdout.
    static func outputs(_ reference: String, _ script: String) async throws -> [String: String] {
        let r = await CLIRun.run("test", reference, "--no-cache", "--format", "json", "--", "/bin/sh", "-c", script)
        #expect(r.code == 0, "\(r.stderr)\n\(r.stdout)")
        let report = try JSONDecoder().decode(ImageTestReport.self, from: Data(r.stdout.utf8))
        return Dictionary(uniqueKeysWithValues: report.results.map { ($0.platform, $0.stdout + $0.stderr) })
    }

    /// `RUN dpkg -i` of a local package: unpacked, its postinst run under the target's dpkg, recorded in
    /// the status database; `groupadd`/`useradd -m` make a user and home that `USER` and `WORKDIR` take.
    @Test func dpkgInstallsALocalPackageAndUseraddMakesTheUser() async throws {
        let context = try await Self.context("""
            FROM \(Self.base)
            COPY repo/xarch-hello_1.0_all.deb /tmp/
            RUN dpkg -i /tmp/xarch-hello_1.0_all.deb && rm /tmp/xarch-hello_1.0_all.deb
            RUN groupadd -g 2000 app && useradd -m -u 2000 -g app -s /bin/bash app
            USER app
            WORKDIR /home/app
            RUN id > id.txt
            """)
        defer { TestImages.cleanup(context) }
        let build = await CLIRun.run("build", context, "--no-cache", "--platform", Self.platforms, "--progress", "plain",
                                     "--output", "oci:\(context)/out:x")
        #expect(build.code == 0, "\(build.stderr)")
        #expect(build.stderr.components(separatedBy: "xarch-hello postinst ran").count == 3, "\(build.stderr)")
        let seen = try await Self.outputs("oci:\(context)/out:x", """
            dpkg-query -W -f='${Status} ${Version}\\n' xarch-hello; cat /usr/share/xarch-hello/installed-on id.txt
            stat -c '%U:%G %a' /home/app; grep '^app:' /etc/passwd; ls /tmp
            """)
        let expected = { (arch: String) in
            "install ok installed 1.0\npostinst on \(arch)\nuid=2000(app) gid=2000(app) groups=2000(app)\n"
                + "app:app 755\napp:x:2000:2000::/home/app:/bin/bash\n"
        }
        #expect(seen == ["linux/arm64/v8": expected("arm64"), "linux/arm/v7": expected("armhf")])
    }

    /// `RUN --mount=type=cache,target=/var/cache/apt` (and the lists): apt-get downloads the package in
    /// the first build and finds it in the cache in the second (`Need to get 0 B/…`), per platform; the
    /// archive cache never reaches the image.
    @Test func anAptCacheMountKeepsItsContentBetweenBuilds() async throws {
        let context = try await Self.context("""
            FROM \(Self.base)
            COPY repo/ /srv/repo/
            RUN echo 'deb [trusted=yes] copy:/srv/repo ./' > /etc/apt/sources.list
            RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
                --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\
                echo "cached before: $(cd /var/cache/apt/archives && ls *.deb 2>/dev/null || echo nothing)" \\
                && apt-get -o APT::Sandbox::User=root -q update >/dev/null \\
                && apt-get -o APT::Sandbox::User=root -q install -y --no-install-recommends xarch-hello
            """)
        defer { TestImages.cleanup(context) }
        let cacheHome = try TestImages.temporaryDirectory("xarch-cache-home")
        defer { TestImages.cleanup(cacheHome) }
        func build(_ tag: String) async throws -> ProcessRun.Result {
            // --no-cache: the RUN must run again; only its cache mount may remember.
            try await ProcessRun.run(try Executables.find("xarch", override: "XARCH_EXECUTABLE"),
                                     ["build", context, "--no-cache", "--platform", Self.platforms, "--progress", "plain",
                                      "--output", "oci:\(context)/out:\(tag)"],
                                     environment: ["XDG_CACHE_HOME": cacheHome])
        }
        let first = try await build("one")
        #expect(first.code == 0, "\(first.stderr)")
        let second = try await build("two")
        #expect(second.code == 0, "\(second.stderr)")
        for platform in ["linux/arm64", "linux/arm/v7"] {
            let mine = { (run: ProcessRun.Result) in run.stderr.split(separator: "\n").filter { $0.hasPrefix("[\(platform) ") } }
            #expect(mine(first).contains { $0.hasSuffix("cached before: nothing") }, "\(first.stderr)")
            #expect(mine(first).contains { $0.contains("Need to get ") && !$0.contains("Need to get 0 B/") }, "\(first.stderr)")
            #expect(mine(second).contains { $0.hasSuffix("cached before: xarch-hello_1.0_all.deb") }, "\(second.stderr)")
            #expect(mine(second).contains { $0.contains("Need to get 0 B/") }, "\(second.stderr)")
            #expect(!mine(first).contains { $0.contains("E: ") } && !mine(second).contains { $0.contains("E: ") })
        }
        let seen = try await Self.outputs("oci:\(context)/out:two",
                                          "dpkg-query -W -f='${Status}\\n' xarch-hello; ls /var/cache/apt/archives")
        #expect(Set(seen.values) == ["install ok installed\npartial\n"], "\(seen)")
    }
}

/// Whether the `debian-tools` base, dpkg-deb and QEMU for its two platforms are here.
enum DebianToolsBase {
    static var runnable: Bool {
        guard TestCommandDebianTests.runnable,
              let index = FileManager.default.contents(atPath: Integration.fixturesRoot + "/layouts/debian-rootfs/index.json"),
              String(decoding: index, as: UTF8.self).contains("\"debian-tools\"") else { return false }
        return Peer.isInstalled("dpkg-deb")
    }
}
