import Testing
@testable import XArchDockerfile

/// Every rule firing and not firing. Each case lists where findings of one rule are expected.
@Suite struct LintRuleTests {
    struct Case: CustomStringConvertible, Sendable {
        let rule: String
        let name: String
        let dockerfile: String
        /// `line:column` of each expected finding of `rule`, in order.
        let expected: [String]
        var description: String { "\(rule): \(name)" }
    }

    static let cases: [Case] = [
        // constant-platform
        Case(rule: "constant-platform", name: "constant value", dockerfile: """
            FROM --platform=linux/amd64 golang:1.22 AS build
            FROM alpine
            """, expected: ["1:6"]),
        Case(rule: "constant-platform", name: "stage name says the architecture", dockerfile: """
            FROM --platform=linux/amd64 golang:1.22 AS build-amd64
            FROM alpine
            """, expected: []),
        Case(rule: "constant-platform", name: "normalized architecture", dockerfile: """
            FROM --platform=linux/aarch64 alpine AS tools
            """, expected: ["1:6"]),
        Case(rule: "constant-platform", name: "automatic variables are not constants", dockerfile: """
            ARG VARIANT
            FROM --platform=$BUILDPLATFORM golang AS build
            FROM --platform=linux/arm/${VARIANT} alpine AS tools
            FROM --platform=$TARGETPLATFORM alpine
            """, expected: []),
        Case(rule: "constant-platform", name: "a global ARG default pins too", dockerfile: """
            ARG PLATFORM=linux/amd64
            FROM --platform=${PLATFORM} alpine AS tools
            """, expected: ["2:6"]),
        Case(rule: "constant-platform", name: "not a platform", dockerfile: """
            FROM --platform=not/a/platform/at/all alpine
            """, expected: []),
        // redundant-target-platform
        Case(rule: "redundant-target-platform", name: "$TARGETPLATFORM", dockerfile: """
            FROM --platform=$TARGETPLATFORM alpine
            FROM --platform=${TARGETPLATFORM} alpine AS two
            """, expected: ["1:6", "2:6"]),
        Case(rule: "redundant-target-platform", name: "other forms", dockerfile: """
            FROM --platform=$BUILDPLATFORM alpine AS a
            FROM --platform=linux/$TARGETARCH alpine AS b
            FROM alpine
            """, expected: []),
        // hardcoded-arch
        Case(rule: "hardcoded-arch", name: "release tarball URL", dockerfile: """
            FROM alpine
            RUN wget -qO- https://github.com/o/r/releases/download/v1.2.3/tool_1.2.3_linux_amd64.tar.gz | tar -xz
            """, expected: ["2:80"]),
        Case(rule: "hardcoded-arch", name: "uname naming in ADD", dockerfile: """
            FROM debian:12
            ADD https://example.com/dl/tool-x86_64-unknown-linux-gnu.tar.gz /tmp/
            """, expected: ["2:33"]),
        Case(rule: "hardcoded-arch", name: "through an ARG default", dockerfile: """
            FROM alpine
            ARG ARCH=arm64
            RUN curl -fsSLo /usr/local/bin/tool https://example.com/tool-linux-${ARCH}
            """, expected: ["3:68"]),
        Case(rule: "hardcoded-arch", name: "deb file", dockerfile: """
            FROM debian:12
            RUN dpkg -i /tmp/pkg_2.0_amd64.deb
            """, expected: ["2:26"]),
        Case(rule: "hardcoded-arch", name: "COPY of an architecture-named file", dockerfile: """
            FROM gcr.io/distroless/static
            COPY dist/app_linux_arm64 /app
            """, expected: ["2:21"]),
        Case(rule: "hardcoded-arch", name: "TARGETARCH used", dockerfile: """
            FROM alpine
            ARG TARGETARCH
            RUN wget https://example.com/tool-linux-${TARGETARCH}.tar.gz
            """, expected: []),
        Case(rule: "hardcoded-arch", name: "mapping with uname -m", dockerfile: """
            FROM alpine
            RUN case "$(uname -m)" in x86_64) A=amd64 ;; aarch64) A=arm64 ;; esac && wget https://example.com/t-$A.tgz
            """, expected: []),
        Case(rule: "hardcoded-arch", name: "$BUILDPLATFORM stage downloads a build tool", dockerfile: """
            FROM --platform=$BUILDPLATFORM golang:1.22 AS build
            RUN wget https://example.com/protoc-linux-x86_64.zip
            FROM alpine
            """, expected: []),
        Case(rule: "hardcoded-arch", name: "stage pinned to the same platform", dockerfile: """
            FROM --platform=linux/amd64 debian AS fetch-amd64
            RUN wget https://example.com/tool-linux-amd64.tar.gz
            """, expected: []),
        Case(rule: "hardcoded-arch", name: "words that are not downloads", dockerfile: """
            FROM alpine
            RUN echo building for amd64 && apk add --no-cache x86_64-dummy-tools
            """, expected: []),
        Case(rule: "hardcoded-arch", name: "suppressed", dockerfile: """
            FROM alpine
            # xarch-ignore hardcoded-arch
            RUN wget https://example.com/tool-linux-amd64.tar.gz
            """, expected: []),
        // undeclared-platform-arg
        Case(rule: "undeclared-platform-arg", name: "used without ARG", dockerfile: """
            FROM alpine
            RUN wget https://example.com/tool-${TARGETARCH}.tgz && echo $TARGETARCH $TARGETOS
            """, expected: ["2:35", "2:73"]),
        Case(rule: "undeclared-platform-arg", name: "global ARG is not stage ARG", dockerfile: """
            ARG TARGETARCH
            FROM alpine
            ENV ARCH=$TARGETARCH
            """, expected: ["3:10"]),
        Case(rule: "undeclared-platform-arg", name: "declared before use", dockerfile: """
            FROM --platform=$BUILDPLATFORM golang AS build
            ARG TARGETOS TARGETARCH
            RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build ./...
            FROM alpine
            ARG TARGETPLATFORM
            RUN echo "$TARGETPLATFORM" && echo '$TARGETARCH'
            """, expected: []),
        Case(rule: "undeclared-platform-arg", name: "declared after use", dockerfile: """
            FROM alpine
            RUN echo ${TARGETVARIANT:-none}
            ARG TARGETVARIANT
            """, expected: ["2:10"]),
        Case(rule: "undeclared-platform-arg", name: "heredoc body", dockerfile: """
            FROM alpine
            RUN <<EOF
            echo $BUILDARCH
            EOF
            """, expected: ["3:6"]),
        // constant-platform, judged by use
        Case(rule: "constant-platform", name: "used only by same-platform stages or for assets: info", dockerfile: """
            FROM --platform=linux/arm64 debian AS fw
            FROM --platform=linux/arm64 debian AS rootfs
            COPY --from=fw /boot /boot
            FROM --platform=linux/amd64 node AS web
            FROM alpine
            COPY --from=web /app/dist/app.js /srv/static/
            """, expected: ["1:6", "2:6", "4:6"]),
        Case(rule: "constant-platform", name: "a stage built FROM a pinned one carries the pin", dockerfile: """
            FROM --platform=linux/amd64 debian AS base
            FROM base AS release
            """, expected: ["1:6"]),
        Case(rule: "constant-platform", name: "BuildKit's check name skips it", dockerfile: """
            # check=skip=FromPlatformFlagConstDisallowed
            FROM --platform=linux/amd64 golang AS build
            FROM alpine
            """, expected: []),
        // undeclared-platform-arg, inherited through FROM <stage>
        Case(rule: "undeclared-platform-arg", name: "ARG inherited from the base stage", dockerfile: """
            FROM --platform=$BUILDPLATFORM golang AS base
            ARG TARGETARCH
            FROM base AS build
            RUN GOARCH=$TARGETARCH go build ./...
            FROM alpine AS other
            RUN echo $TARGETARCH
            """, expected: ["6:10"]),
        // buildplatform-in-final-stage
        Case(rule: "buildplatform-in-final-stage", name: "final stage on BUILDPLATFORM", dockerfile: """
            FROM --platform=$BUILDPLATFORM golang AS build
            FROM --platform=$BUILDPLATFORM alpine
            COPY --from=build /out /out
            """, expected: ["2:6"]),
        Case(rule: "buildplatform-in-final-stage", name: "inherited", dockerfile: """
            FROM --platform=$BUILDPLATFORM golang AS build
            FROM build AS final
            """, expected: ["2:6"]),
        Case(rule: "buildplatform-in-final-stage", name: "developer stage last (a warning)", dockerfile: """
            FROM alpine AS release
            FROM --platform=$BUILDPLATFORM golang AS dev
            """, expected: ["2:6"]),
        Case(rule: "buildplatform-in-final-stage", name: "builder only", dockerfile: """
            FROM --platform=$BUILDPLATFORM golang AS build
            FROM alpine
            COPY --from=build /out /out
            """, expected: []),
        // arch-specific-repository
        Case(rule: "arch-specific-repository", name: "arm64v8 base and amd64 copy source", dockerfile: """
            FROM arm64v8/alpine:3.20
            COPY --from=amd64/busybox:1.36 /bin/busybox /bin/
            """, expected: ["1:6", "2:13"]),
        Case(rule: "arch-specific-repository", name: "other registries and official images", dockerfile: """
            ARG BASE=alpine:3.20
            FROM ${BASE} AS a
            FROM ghcr.io/amd64/tool:1 AS b
            FROM docker.io/library/debian:12
            """, expected: []),
        Case(rule: "arch-specific-repository", name: "through a global ARG", dockerfile: """
            ARG BASE=arm32v7/debian:12
            FROM ${BASE}
            """, expected: ["2:6"]),
        // hardcoded-multiarch-path
        Case(rule: "hardcoded-multiarch-path", name: "ENV and COPY", dockerfile: """
            FROM debian:12
            ENV LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu
            COPY --from=build /usr/lib/aarch64-linux-gnu/libssl.so.3 /usr/lib/
            """, expected: ["2:30", "3:28"]),
        Case(rule: "hardcoded-multiarch-path", name: "loader in ENTRYPOINT", dockerfile: """
            FROM debian:12
            ENTRYPOINT ["/lib64/ld-linux-x86-64.so.2", "/app"]
            """, expected: ["2:21"]),
        Case(rule: "hardcoded-multiarch-path", name: "architecture-named paths outside downloads", dockerfile: """
            FROM debian:12
            ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-arm64
            RUN echo /opt/lib >> /etc/ld-musl-x86_64.path
            WORKDIR /src/build/lib.linux-x86_64-cpython-311
            RUN docker buildx build --platform linux/amd64,linux/arm64 -t x . && cp /dl/tool-x86_64.tar.gz /opt/
            """, expected: ["2:44", "3:35", "4:30"]),
        Case(rule: "hardcoded-multiarch-path", name: "derived or build stage", dockerfile: """
            FROM --platform=$BUILDPLATFORM debian:12 AS cross
            RUN ls /usr/lib/x86_64-linux-gnu
            FROM debian:12
            RUN cp /usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libz.so.1 /out/ && apt-get install -y gcc-aarch64-linux-gnu
            """, expected: []),
        // build-arch-probe
        Case(rule: "build-arch-probe", name: "uname -m on the build machine", dockerfile: """
            FROM --platform=$BUILDPLATFORM debian AS fetch
            RUN curl -fsSLO https://example.com/tool-$(uname -m).tar.gz
            FROM alpine
            """, expected: ["2:44"]),
        Case(rule: "build-arch-probe", name: "dpkg in a heredoc", dockerfile: """
            FROM --platform=$BUILDPLATFORM debian AS fetch
            RUN <<EOF
            arch=$(dpkg --print-architecture)
            EOF
            FROM alpine
            """, expected: ["3:8"]),
        Case(rule: "build-arch-probe", name: "target stages may probe", dockerfile: """
            FROM debian
            RUN echo $(uname -m) $(dpkg --print-architecture)
            """, expected: []),
        // arch-specific-tag
        Case(rule: "arch-specific-tag", name: "architecture in tag, name and through a global ARG", dockerfile: """
            ARG GOARCH=amd64
            FROM mcr.microsoft.com/dotnet/aspnet:8.0-bookworm-slim-arm64v8 AS runtime
            FROM quay.io/pypa/manylinux2014_x86_64 AS wheels
            FROM gcr.io/distroless/static-debian12:latest-${GOARCH}
            """, expected: ["2:6", "3:6", "4:6"]),
        Case(rule: "arch-specific-tag", name: "build stages, pinned stages, version strings", dockerfile: """
            ARG VERSION
            FROM --platform=$BUILDPLATFORM quay.io/pypa/manylinux2014_x86_64 AS tools
            FROM --platform=linux/arm64 debian:bookworm-arm64 AS board-arm64
            FROM node:20-alpine3.20 AS web
            FROM registry.example/app:${VERSION}
            """, expected: []),
        // package-arch-pin
        Case(rule: "package-arch-pin", name: "apt, dpkg, yum, GOARCH and tool flags", dockerfile: """
            FROM debian:12 AS a
            RUN apt-get install -y libc6:i386
            RUN dpkg --add-architecture armhf
            RUN yum install -y glibc.i686
            RUN pip download --platform manylinux2014_aarch64 -d /w numpy
            FROM --platform=$BUILDPLATFORM golang AS build
            RUN GOOS=linux GOARCH=arm64 go build ./...
            """, expected: ["2:24", "3:10", "4:20", "5:18", "7:16"]),
        Case(rule: "package-arch-pin", name: "derived, several, named or build-machine pins", dockerfile: """
            FROM --platform=$BUILDPLATFORM golang AS build
            RUN GOARCH=amd64 go build -o a-amd64 . && GOARCH=arm64 go build -o a-arm64 .
            RUN apt-get install -y gcc-aarch64-linux-gnu libc6-dev:arm64
            FROM --platform=$BUILDPLATFORM golang AS build-amd64
            RUN GOARCH=amd64 go build .
            FROM debian:12
            ARG TARGETARCH
            RUN GOARCH=$TARGETARCH go build . && apt-get install -y "libssl-dev:$(dpkg --print-architecture)"
            """, expected: []),
        // arch-probe-naming
        Case(rule: "arch-probe-naming", name: "GOARCH, --platform and case arms", dockerfile: """
            FROM golang AS a
            RUN GOARCH=$(uname -m) go build .
            RUN docker pull --platform=linux/$(uname -m) alpine
            RUN A=$(dpkg --print-architecture) && case $A in x86_64) X=1 ;; esac
            """, expected: ["2:5", "3:17", "4:50"]),
        Case(rule: "arch-probe-naming", name: "mapped or uname-named", dockerfile: """
            FROM debian
            RUN case "$(uname -m)" in x86_64|amd64) A=amd64 ;; aarch64) A=arm64 ;; esac
            RUN A=$(uname -m) && A=${A/x86_64/amd64} && GOARCH=$A go build .
            RUN curl -fsSLO https://download.docker.com/linux/static/stable/$(uname -m)/docker-27.0.3.tgz
            """, expected: []),
        // arch-case-fallback
        Case(rule: "arch-case-fallback", name: "case and if/else fall back to amd64", dockerfile: """
            FROM debian
            ARG TARGETARCH TARGETPLATFORM
            RUN case "$TARGETARCH" in arm64) A=aarch64 ;; *) A=x86_64 ;; esac
            RUN if [ "$TARGETPLATFORM" = "linux/arm64" ]; then A=arm64; else A=amd64; fi
            """, expected: ["3:52", "4:68"]),
        Case(rule: "arch-case-fallback", name: "fallbacks that fail or keep the value", dockerfile: """
            FROM debian
            ARG TARGETARCH
            RUN case "$TARGETARCH" in amd64) A=x86_64 ;; *) echo "unsupported: $TARGETARCH" >&2; exit 1 ;; esac
            RUN case "$TARGETARCH" in amd64) A=x64 ;; *) A=$TARGETARCH ;; esac
            RUN case "$1" in start) X=amd64 ;; *) X=x86_64 ;; esac
            """, expected: []),
    ]

    @Test(arguments: cases)
    func rule(_ c: Case) throws {
        let findings = try Linter().lint(c.dockerfile).filter { $0.rule == c.rule }
        #expect(findings.map { $0.range.start.description } == c.expected, "\(findings.map(\.message))")
    }

    /// Where a precondition is uncertain, a finding is lowered (to an `info` note) rather than dropped.
    @Test(arguments: [
        ("FROM --platform=linux/amd64 node AS web\nFROM alpine\nCOPY --from=web /app/main.js /srv/\n", "Dockerfile",
         "constant-platform", Severity.info),
        ("FROM alpine AS release\nFROM --platform=$BUILDPLATFORM golang AS debug-shell\n", "Dockerfile",
         "buildplatform-in-final-stage", .warning),
        ("FROM --platform=$BUILDPLATFORM golang AS shell\n", "Dockerfile", "buildplatform-in-final-stage", .warning),
        ("FROM --platform=$BUILDPLATFORM golang AS build\n", "Dockerfile", "buildplatform-in-final-stage", .error),
        ("# check=error=true\nFROM --platform=linux/amd64 golang AS build\nFROM alpine\n", "Dockerfile", "constant-platform", .error),
        ("FROM arm64v8/debian\nRUN curl -O https://x.example/t_linux_arm64.tar.gz\n", "Dockerfile.arm64", "hardcoded-arch", .info),
        ("FROM arm64v8/debian\n", "ci/Dockerfile-aarch64", "arch-specific-repository", .info),
        ("FROM arm64v8/debian\n", "arm64-notes.Dockerfile", "arch-specific-repository", .error),
    ] as [(String, String, String, Severity)])
    func severity(_ dockerfile: String, _ file: String, _ rule: String, _ expected: Severity) throws {
        let findings = try Linter(file: file).lint(dockerfile).filter { $0.rule == rule }
        #expect(findings.map(\.severity) == [expected], "\(findings.map(\.message))")
    }

    @Test func everyRuleHasFiringAndQuietCases() {
        for rule in LintRules.all where !rule.needsRegistry {
            let mine = Self.cases.filter { $0.rule == rule.id }
            #expect(mine.contains { !$0.expected.isEmpty }, "\(rule.id) never fires")
            #expect(mine.contains { $0.expected.isEmpty }, "\(rule.id) is never quiet")
        }
    }
}
