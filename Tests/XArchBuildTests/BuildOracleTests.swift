import Foundation
import Testing
import XArch
@testable import XArchBuild
import XArchModel
import XArchTestSupport

/// buildah as the oracle of `xarch build`: the same Dockerfile and context built by both (for one
/// platform; nothing runs, so buildah needs no emulation either), then the merged file systems (type,
/// mode, owner, size, link target, content digest of every path) and the runtime configs compared with
/// `scripts/lib/image-tree.py`. Only buildah's own `io.buildah.version` label is left out.
@Suite("build: buildah as the oracle")
struct BuildOracleTests {
    /// (name, Dockerfile, files, shell set-up run in the context)
    static let cases: [(String, String, [String: String], String)] = [
        ("multi-stage, workdir, chown, chmod, globs, dockerignore", """
            ARG VERSION=1.0
            FROM scratch AS assets
            COPY app/ /assets/
            COPY --chmod=600 settings.conf /assets/settings.conf

            FROM scratch
            ARG TARGETARCH
            ARG VERSION
            ENV APP_HOME=/opt/app PATH=/opt/app/bin:/usr/bin
            LABEL org.opencontainers.image.version=$VERSION
            WORKDIR $APP_HOME
            COPY --from=assets /assets ./data
            COPY --chown=1000:1000 bin/${TARGETARCH}/run bin/run
            COPY app/one.txt app/sub/*.txt /etc/multi/
            USER 1000:1000
            EXPOSE 8080/tcp 53/udp
            VOLUME /var/cache/app
            STOPSIGNAL SIGQUIT
            ENTRYPOINT ["/opt/app/bin/run"]
            CMD ["--serve"]
            """, ["app/one.txt": "one\n", "app/sub/two.txt": "two\n", "app/skip.log": "ignored\n",
                  "bin/arm64/run*": "#!/bin/sh\necho arm\n", "settings.conf": "cfg\n", ".dockerignore": "**/*.log\n"],
         "ln -s one.txt app/link && chmod 640 app/sub/two.txt"),
        ("USER then WORKDIR, chown of created parents only", """
            FROM scratch
            USER 1000:1000
            WORKDIR /home/app/work
            COPY f .
            COPY --chown=7 f /home/app/sub/g
            """, ["f": "x\n"], ""),
        ("hard links, archives, names from /etc/passwd, existing destinations", """
            FROM scratch
            ENV DIR=/srv
            COPY etc/ /etc/
            COPY tree $DIR/tree
            COPY --chown=web:staff more ${DIR}/tree/a/
            ADD pkg.tar.gz /opt/
            ADD pkg.tar /opt2
            COPY tree/lnk /direct
            COPY --chown=web more/m.txt /var/www/html/
            WORKDIR /srv/tree/a
            COPY --chmod=0750 tree/h1 ./
            """, ["tree/a/b/c.txt": "1\n", "tree/h1": "h\n", "more/m.txt": "m\n", "tsrc/pkg/p.txt": "p\n",
                  "etc/passwd": "root:x:0:0::/root:/bin/sh\nweb:x:33:34::/var/www:/bin/sh\n",
                  "etc/group": "root:x:0:\nwww:x:34:\nstaff:x:50:\n"],
         "ln tree/h1 tree/h2 && ln -s a/b tree/lnk && tar cf pkg.tar -C tsrc pkg && gzip -k pkg.tar && chmod 700 more"),
        ("symlinked sources, files into existing directories", """
            FROM scratch AS one
            COPY d /etc/conf.d/
            COPY flink /links/
            FROM scratch
            COPY --from=one /etc /etc
            COPY f /etc
            COPY f /etc/conf.d
            COPY --from=one /links/flink /l2
            COPY d/ /data
            COPY d /data
            WORKDIR /data
            COPY . .
            """, ["f": "f\n", "d/g": "g\n"], "ln -s f flink"),
        // BASE is the 8-platform busybox fixture layout (buildah reads `oci:` in FROM too).
        ("on a base image: into its directories, created parents for --chown and USER's WORKDIR", """
            FROM oci:BASE
            COPY f /bin
            COPY f /etc/newfile
            COPY --chown=5:5 f /opt/x/y/f
            COPY --chown=7:8 d /bin/
            WORKDIR /srv/made-by-root
            USER 1000:1000
            WORKDIR /home/app/work
            COPY f .
            ENTRYPOINT ["/bin/busybox"]
            """, ["f": "f\n", "d/g": "g\n"], ""),
    ]

    /// The cases whose Dockerfile builds on `oci:BASE`, the fixture layout skopeo wrote.
    static let onTheFixtureBase = cases.indices.filter { cases[$0].1.contains("oci:BASE") }

    @Test(.requiresTools("buildah"), arguments: cases.indices.filter { !onTheFixtureBase.contains($0) })
    func sameImageAsBuildah(_ index: Int) async throws {
        try await Self.compare(index)
    }

    @Test(.requiresTools("buildah"), .requiresEnvironment("XARCH_FIXTURES"), arguments: onTheFixtureBase)
    func sameImageAsBuildahOnTheFixtureBase(_ index: Int) async throws {
        try await Self.compare(index)
    }

    /// RUN on the native platform (buildah runs it with `--isolation chroot`, no emulation needed): the
    /// files a RUN makes, changes, deletes (whiteouts) and replaces (opaque directories), hard links and
    /// owners, compared as above.
    static let runCases: [(String, String, [String: String], String)] = [
        ("RUN: files, links, owners, deletions, a replaced directory, a second stage", """
            FROM oci:BASE AS tools
            RUN busybox mkdir -p /out/d && echo made > /out/d/f && busybox ln /out/d/f /out/h && busybox ln -s d/f /out/s
            FROM oci:BASE
            COPY f /etc/app.conf
            RUN busybox mkdir -p /srv/a/b /srv/keep && echo hi > /srv/a/b/f && busybox chmod 0640 /srv/a/b/f \\
                && busybox chown -R 1000:1000 /srv/a && echo k > /srv/keep/k && busybox rm /etc/app.conf
            RUN busybox rm -rf /srv/a/b && busybox mkdir /srv/a/b && echo again > /srv/a/b/g && busybox rm /srv/keep/k
            COPY --from=tools /out/ /opt/out/
            USER 1000:1000
            WORKDIR /home/app
            RUN echo mine > mine && busybox stat -c "%n %u %g %a" /srv/a /srv/a/b /srv/a/b/g > listing
            """, ["f": "f\n"], ""),
    ]

    @Test(.requiresTools("buildah"), .requiresEnvironment("XARCH_FIXTURES"), arguments: runCases.indices)
    func runGivesTheSameImageAsBuildah(_ index: Int) async throws {
        try await Self.compare(Self.runCases[index], platform: "linux/amd64", buildah: ["--isolation", "chroot"])
    }

    /// Builds case `index` with xarch and with buildah and compares the two images.
    static func compare(_ index: Int) async throws {
        try await compare(Self.cases[index], platform: "linux/arm64", buildah: [])
    }

    /// Builds a case for `platform` with xarch and with buildah (plus `buildah`'s extra arguments) and
    /// compares the two images.
    static func compare(_ testCase: (String, String, [String: String], String), platform: String, buildah: [String]) async throws {
        let (name, written, files, setup) = testCase
        try Integration.requireTool("buildah")
        var dockerfile = written
        if dockerfile.contains("oci:BASE") {
            let fixtures = try Integration.require("XARCH_FIXTURES")
            dockerfile = dockerfile.replacingOccurrences(of: "oci:BASE", with: "oci:\(fixtures)/layouts/skopeo-busybox:multi")
        }
        let context = try BuildFixture.context(dockerfile, files: files)
        let work = try TestImages.temporaryDirectory("build-oracle")
        defer { TestImages.cleanup(context); TestImages.cleanup(work) }
        if !setup.isEmpty { try await Peer.run("sh", ["-c", "cd '\(context)' && \(setup)"]) }

        let options = try BuildFixture.options(context, platforms: [platform], output: "\(work)/xarch")
        _ = try await BuildFixture.withSession { session in try await ImageBuild.build(options, resolver: StoreResolver(session: session)) }

        let storage = ["--storage-driver", "vfs", "--root", "\(work)/root", "--runroot", "\(work)/run"]
        try await Peer.run("buildah", storage + ["build", "--quiet", "--platform", platform] + buildah + ["-t", "oracle:1", context])
        try await Peer.run("buildah", storage + ["push", "--quiet", "oracle:1", "oci:\(work)/buildah:1"])

        let ours = try await Self.tree("\(work)/xarch:latest")
        var theirs = try await Self.tree("\(work)/buildah:1")
        var runtime = theirs["runtime"] as? [String: Any] ?? [:]
        var labels = runtime["Labels"] as? [String: Any] ?? [:]
        labels["io.buildah.version"] = nil
        runtime["Labels"] = labels.isEmpty ? nil : labels
        theirs["runtime"] = runtime
        // On a base image xarch leaves out the root-owned 0755 directories a COPY creates: every tar
        // extractor makes exactly those for the paths below them.
        let ourPaths = Set((ours["tree"] as? [String: Any] ?? [:]).keys)
        // buildah's RUN (chroot isolation) leaves its empty mount stubs /etc/hostname, /etc/hosts and
        // /etc/resolv.conf in the image; BuildKit and xarch remove the stubs they create.
        let stubs: Set<String> = ["etc/hostname", "etc/hosts", "etc/resolv.conf"]
        let emptyFile = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        theirs["tree"] = (theirs["tree"] as? [String: Any] ?? [:]).filter { path, value in
            if !ourPaths.contains(path), stubs.contains(path), let entry = value as? [Any], entry.last as? String == emptyFile {
                return false
            }
            return ourPaths.contains(path) || (value as? [Any]).map(Self.canonical) != Self.canonical(["dir", "0o755", 0, 0, 0, "", ""])
        }
        #expect(Self.canonical(ours["tree"]) == Self.canonical(theirs["tree"]), "\(name): file systems differ")
        #expect(Self.canonical(ours["runtime"]) == Self.canonical(theirs["runtime"]), "\(name): configs differ")
        #expect(Self.canonical(ours["config"]) == Self.canonical(theirs["config"]), "\(name): platforms differ")
        #expect((ours["tree"] as? [String: Any])?.isEmpty == false)
    }

    /// `image-tree.py`'s JSON of the one image at `spec` (`LAYOUT:TAG`).
    static func tree(_ spec: String) async throws -> [String: Any] {
        let script = "\(BuildLayoutTests.repository)/scripts/lib/image-tree.py"
        let json = try await Peer.run("python3", [script, spec])
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }

    /// Sorted-key JSON text of a value, for comparing and for readable failure messages.
    static func canonical(_ value: Any?) -> String {
        guard let value, JSONSerialization.isValidJSONObject([value]) else { return "null" }
        let data = (try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
