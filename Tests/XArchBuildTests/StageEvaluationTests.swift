import Foundation
import Testing
import XArchModel
@testable import XArchBuild

/// ARG, ENV and the other config instructions, evaluated as BuildKit evaluates them (Dockerfile
/// reference: "Environment replacement", ARG "Scope" and "Using ARG variables", ENV, …).
@Suite struct StageEvaluationTests {
    /// (Dockerfile after `FROM scratch`, build args, platform, variable, expected value or nil for unset)
    @Test(arguments: [
        ("ARG TARGETARCH\nENV A=$TARGETARCH", [:], "linux/arm64", "arm64"),
        ("ARG TARGETARCH TARGETVARIANT\nENV A=${TARGETARCH}${TARGETVARIANT}", [:], "linux/arm/v7", "armv7"),
        ("ARG TARGETARCH TARGETVARIANT\nENV A=${TARGETARCH}${TARGETVARIANT}", [:], "linux/arm64/v8", "arm64"),
        ("ARG TARGETPLATFORM\nENV A=$TARGETPLATFORM", [:], "linux/arm", "linux/arm/v7"),
        ("ENV A=x$TARGETARCH", [:], "linux/arm64", "x"),
        ("ARG BUILDPLATFORM\nENV A=$BUILDPLATFORM", [:], "linux/s390x", "linux/amd64"),
        ("ARG V=1\nENV A=$V", [:], "linux/amd64", "1"),
        ("ARG V=1\nENV A=$V", ["V": "2"], "linux/amd64", "2"),
        ("ARG V\nENV A=${V:-unset}", [:], "linux/amd64", "unset"),
        ("ARG V\nENV A=${V-unset}", ["V": ""], "linux/amd64", ""),
        ("ARG X=arg\nENV X=env\nENV Y=$X", [:], "linux/amd64", "env"),
        ("ENV abc=hello\nENV abc=bye def=$abc\nENV Y=$def", [:], "linux/amd64", "hello"),
        ("ENV A=\"a b\" B='$x'\nENV Y=\"$A|$B\"", [:], "linux/amd64", "a b|$x"),
        ("ENV A=one\nENV Y=${A:+set}", [:], "linux/amd64", "set"),
        ("ENV P=/usr/local/bin/tool\nENV Y=${P##*/}", [:], "linux/amd64", "tool"),
        ("ENV Y \\$notexpanded", [:], "linux/amd64", "$notexpanded"),
        // Each declaration of one ARG line sees the ones before it (BuildKit's dispatchArg).
        ("ARG A=1 B=${A}2\nENV Y=$B", [:], "linux/amd64", "12"),
    ] as [(String, [String: String], String, String?)])
    func expansion(body: String, args: [String: String], platform: String, expected: String?) async throws {
        let state = try await BuildFixture.state("FROM scratch\n" + body + "\n", platform: platform, args: args)
        #expect(state.env["Y"] ?? state.env["A"] == expected, "\(body)")
    }

    @Test func globalArgumentsReachFromButNotStagesUnlessRedeclared() async throws {
        let dockerfile = """
            ARG BASE=scratch
            ARG VERSION=1.2
            FROM ${BASE} AS one
            ENV A=v$VERSION
            FROM one
            ARG VERSION
            ENV B=v$VERSION
            """
        let state = try await BuildFixture.state(dockerfile)
        #expect(state.env["A"] == "v")
        #expect(state.env["B"] == "v1.2")
        let overridden = try await BuildFixture.state(dockerfile, args: ["VERSION": "9"])
        #expect(overridden.env["B"] == "v9")
    }

    @Test func configInstructions() async throws {
        let state = try await BuildFixture.state("""
            FROM scratch
            LABEL org.opencontainers.image.title="hello world" version=1
            USER 1000:1000
            WORKDIR /srv
            WORKDIR app
            EXPOSE 80 8000-8002/tcp 53/udp
            VOLUME ["/data", "/cache"]
            STOPSIGNAL SIGTERM
            SHELL ["/bin/ash", "-c"]
            HEALTHCHECK --interval=30s --timeout=1m30s --retries=3 CMD wget -q localhost
            ENTRYPOINT ["/hello"]
            CMD echo verbose
            ONBUILD COPY . /app
            """)
        let c = try #require(state.config.config)
        #expect(c.labels == ["org.opencontainers.image.title": "hello world", "version": "1"])
        #expect(c.user == "1000:1000")
        #expect(c.workingDir == "/srv/app")
        #expect(Set((c.exposedPorts ?? [:]).keys) == ["80/tcp", "8000/tcp", "8001/tcp", "8002/tcp", "53/udp"])
        #expect(Set((c.volumes ?? [:]).keys) == ["/data", "/cache"])
        #expect(c.stopSignal == "SIGTERM")
        #expect(c.healthcheck?.test == ["CMD-SHELL", "wget -q localhost"])
        #expect(c.healthcheck?.interval == 30_000_000_000)
        #expect(c.healthcheck?.timeout == 90_000_000_000)
        #expect(c.healthcheck?.retries == 3)
        #expect(c.entrypoint == ["/hello"])
        #expect(c.cmd == ["/bin/ash", "-c", "echo verbose"])
        #expect(c.onBuild == ["COPY . /app"])
        #expect(c.env == [StageState.defaultPath])
        #expect(state.config.created == "1970-01-01T00:00:00Z")
        #expect(state.newPaths == [["srv"], ["srv", "srv/app"]])
        let history = state.config.history ?? []
        #expect(history.count == 12)
        #expect(history.filter { $0.emptyLayer != true }.count == 2)
        #expect(history.allSatisfy { $0.created == "1970-01-01T00:00:00Z" })
    }

    @Test func entrypointResetsAnInheritedCmdOnly() async throws {
        let state = try await BuildFixture.state("FROM scratch AS base\nCMD [\"a\"]\nFROM base\nENTRYPOINT [\"/e\"]\n")
        #expect(state.config.config?.cmd == nil)
        let kept = try await BuildFixture.state("FROM scratch\nCMD [\"a\"]\nENTRYPOINT [\"/e\"]\n")
        #expect(kept.config.config?.cmd == ["a"])
    }

    @Test func runIsRefusedWithItsLine() async throws {
        await #expect { try await BuildFixture.state("FROM scratch\nENV A=1\nRUN make\n") } throws: { error in
            (error as? XArchError)?.message.contains("line 3: RUN") == true
        }
    }

    @Test func unusedStagesAreNotEvaluated() async throws {
        let dockerfile = "FROM scratch AS tools\nRUN make\nFROM scratch AS final\nENV A=1\n"
        let plan = try await BuildFixture.plan(dockerfile, target: "final")
        #expect(plan.states.count == 1)
        let last = try await BuildFixture.plan(dockerfile)
        #expect(last.states.first?.env["A"] == "1")
    }

    @Test func remoteAddIsRefused() async throws {
        await #expect { try await BuildFixture.state("FROM scratch\nADD https://example.com/x.tar.gz /x\n") } throws: { error in
            (error as? XArchError)?.message.contains("line 2: ADD https://example.com/x.tar.gz") == true
        }
    }

    @Test func unusedBuildArgumentsAreReported() async throws {
        let plan = try await BuildFixture.plan("ARG USED\nFROM scratch\n", args: ["USED": "1", "OTHER": "2"])
        #expect(plan.unusedArguments == ["OTHER"])
    }

    @Test func chownNamesAreLookedUpInTheStagesFiles() async throws {
        let state = try await BuildFixture.state("""
            FROM scratch
            COPY passwd group /etc/
            COPY --chown=app file.txt /a
            COPY --chown=app:staff file.txt /b
            COPY --chown=7 file.txt /c
            """, files: ["passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n",
                         "group": "root:x:0:\nstaff:x:50:app\n", "file.txt": "x"])
        let owners = state.newLayers.dropFirst().compactMap { layer in layer.sorted.last.map { [$0.uid, $0.gid] } }
        #expect(owners == [[1000, 1001], [1000, 50], [7, 7]])
        await #expect { try await BuildFixture.state("FROM scratch\nCOPY --chown=nobody file.txt /a\n", files: ["file.txt": "x"]) } throws: { error in
            (error as? XArchError)?.message.contains("no user \"nobody\"") == true
        }
        for chown in ["4294967296", "0:4294967296", "99999999999999999999"] {
            await #expect { try await BuildFixture.state("FROM scratch\nCOPY --chown=\(chown) file.txt /a\n", files: ["file.txt": "x"]) } throws: { error in
                (error as? XArchError)?.message.contains("out of range (0 to 4294967295)") == true
            }
        }
        let top = try await BuildFixture.state("FROM scratch\nCOPY --chown=4294967295:0 file.txt /a\n", files: ["file.txt": "x"])
        #expect(top.newLayers.last?.sorted.last?.uid == 4294967295)
    }
}
