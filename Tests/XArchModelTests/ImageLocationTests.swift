import Testing
import XArchModel

struct ImageLocationTests {
    static let h64 = String(repeating: "a", count: 64)

    struct Registry: Sendable, CustomTestStringConvertible {
        let input: String, reference: String
        var testDescription: String { input }
        init(_ input: String, _ reference: String) { (self.input, self.reference) = (input, reference) }
    }

    static let registryCases: [Registry] = [
        Registry("alpine", "docker.io/library/alpine:latest"),
        Registry("docker://alpine", "docker.io/library/alpine:latest"),
        Registry("docker://alpine:3.19", "docker.io/library/alpine:3.19"),
        Registry("docker://localhost:5000/app:1.0", "localhost:5000/app:1.0"),
        Registry("localhost:5000/app", "localhost:5000/app:latest"),
        Registry("localhost:5000/app:1.0", "localhost:5000/app:1.0"),
        Registry("localhost:5000", "docker.io/library/localhost:5000"),
        Registry("ghcr.io/o/r@sha256:\(h64)", "ghcr.io/o/r@sha256:\(h64)"),
        Registry("docker:24-dind", "docker.io/library/docker:24-dind"),
        Registry("docker://docker:24-dind", "docker.io/library/docker:24-dind"),
        Registry("docker://dir:1.0", "docker.io/library/dir:1.0"),
        Registry("docker://docker-archive:1.0", "docker.io/library/docker-archive:1.0"),
        Registry("dir.example.com/x", "dir.example.com/x:latest"),
        Registry("oci-tools/x", "docker.io/oci-tools/x:latest"),
        Registry("[::1]:5000/x", "[::1]:5000/x:latest"),
    ]

    @Test(arguments: registryCases)
    func parsesRegistryLocation(_ c: Registry) throws {
        let location = try ImageLocation(parsing: c.input)
        #expect(location == .registry(try ImageReference(parsing: c.input.replacing("docker://", with: ""))))
        #expect(location.description == c.reference)
        #expect(try ImageLocation(parsing: location.description).description == c.reference)
    }

    struct Layout: Sendable, CustomTestStringConvertible {
        let input: String, path: String, tag: String?, digest: String?, written: String
        var testDescription: String { input }
        init(_ input: String, _ path: String, tag: String? = nil, digest: String? = nil, written: String? = nil) {
            (self.input, self.path, self.tag, self.digest) = (input, path, tag, digest)
            self.written = written ?? input
        }
    }

    static let layoutCases: [Layout] = [
        Layout("oci:layout", "layout"),
        Layout("oci:./out", "./out"),
        Layout("oci:./out:v1", "./out", tag: "v1"),
        Layout("oci:../build/oci:latest", "../build/oci", tag: "latest"),
        Layout("oci:/tmp/x", "/tmp/x"),
        Layout("oci:/", "/"),
        Layout("oci:/tmp/x:latest", "/tmp/x", tag: "latest"),
        Layout("oci:/tmp/x@sha256:\(h64)", "/tmp/x", digest: "sha256:\(h64)"),
        Layout("oci:/tmp/x:v1@sha256:\(h64)", "/tmp/x", tag: "v1", digest: "sha256:\(h64)"),
        Layout("oci:out:docker.io/library/alpine:3.19", "out", tag: "docker.io/library/alpine:3.19"),
        Layout("oci:out:alpine:3.19@sha256:\(h64)", "out", tag: "alpine:3.19", digest: "sha256:\(h64)"),
        Layout("oci:out:foo--bar", "out", tag: "foo--bar"),
        Layout("oci:out:v1.0+build.5", "out", tag: "v1.0+build.5"),
        Layout("oci:out:Tag_1", "out", tag: "Tag_1"),
        Layout("oci:out:a@b", "out", tag: "a@b"),
        Layout("oci:out:a@b/c:d", "out", tag: "a@b/c:d"),
        Layout("oci:/data/a@b/x", "/data/a@b/x"),
        Layout("oci:/data/a@b/x@sha256:\(h64)", "/data/a@b/x", digest: "sha256:\(h64)"),
        Layout("oci:dir@", "dir@"),
        Layout("oci:my dir", "my dir"),
        Layout("oci:oci:tag", "oci", tag: "tag"),
    ]

    @Test(arguments: layoutCases)
    func parsesLayoutLocation(_ c: Layout) throws {
        let location = try ImageLocation(parsing: c.input)
        guard case .layout(let layout) = location else {
            Issue.record("\(c.input) is not a layout: \(location)")
            return
        }
        #expect(layout.path == c.path)
        #expect(layout.tag == c.tag)
        #expect(layout.digest?.description == c.digest)
        #expect(location.description == c.written)
        #expect(try ImageLocation(parsing: location.description) == location)
        #expect(try LayoutReference(path: c.path, tag: c.tag, digest: layout.digest) == layout)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let input: String, fragments: [String]
        var testDescription: String { input }
        init(_ input: String, _ fragments: String...) { (self.input, self.fragments) = (input, fragments) }
    }

    static let transports = "use docker://REFERENCE (or a plain reference) for a registry, oci:PATH[:NAME][@DIGEST] for an OCI image layout, oci-archive:PATH[:NAME] or docker-archive:PATH[:NAME:TAG] for an archive file"

    static let invalidCases: [Invalid] = [
        Invalid("oci:", "invalid OCI layout reference \"oci:\"", "the layout path is empty"),
        Invalid("oci::tag", "the layout path is empty"),
        Invalid("oci:@sha256:\(h64)", "the layout path is empty"),
        Invalid("oci:dir:", "the image name after the path is empty"),
        Invalid("oci:dir:-x", "image name \"-x\" is not a valid org.opencontainers.image.ref.name"),
        Invalid("oci:dir:a__b", "is not a valid org.opencontainers.image.ref.name"),
        Invalid("oci:dir:a---b", "is not a valid org.opencontainers.image.ref.name"),
        Invalid("oci:dir:a/", "is not a valid org.opencontainers.image.ref.name"),
        Invalid("oci:dir:a//b", "is not a valid org.opencontainers.image.ref.name"),
        Invalid("oci:dir:v1!", "is not a valid org.opencontainers.image.ref.name"),
        Invalid("oci:dir@sha256:12", "invalid digest \"sha256:12\""),
        Invalid("oci:dir:v1@md5:abc", "unsupported algorithm \"md5\""),
        Invalid("oci:x@b:tag", "invalid digest"),
        Invalid("oci://tmp/x", "not a URL such as oci://PATH"),
        Invalid("docker-archive:", "invalid docker-archive reference", "the archive path is empty"),
        Invalid("docker-archive:x.tar:alpine@sha256:\(h64)", "not by digest"),
        Invalid("docker-archive:x.tar:Alpine", "repository name must be lowercase"),
        Invalid("oci-archive::v1", "the archive path is empty"),
        Invalid("oci-archive:x.tar:-x", "is not a valid org.opencontainers.image.ref.name"),
        Invalid("containers-storage:alpine", "unsupported transport \"containers-storage:\"", transports),
        Invalid("docker-daemon:alpine:latest", "unsupported transport \"docker-daemon:\"", transports),
        Invalid("dir:/tmp/x", "unsupported transport \"dir:\""),
        Invalid("sif:x.sif", "unsupported transport \"sif:\""),
        Invalid("tarball:x.tar", "unsupported transport \"tarball:\""),
        Invalid("https://ghcr.io/o/r", "unsupported transport \"https://\"", transports),
        Invalid("http://localhost:5000/x", "unsupported transport \"http://\""),
        Invalid("Docker://alpine", "unsupported transport \"Docker://\""),
        Invalid("oci+layout://x", "unsupported transport \"oci+layout://\""),
        Invalid("docker://", "invalid reference \"\": it is empty"),
        Invalid("docker://Foo:tag", "invalid reference \"Foo:tag\": repository name must be lowercase"),
        Invalid("docker://docker://alpine", "invalid reference \"docker://alpine\""),
        Invalid("Alpine", "invalid reference \"Alpine\": repository name must be lowercase"),
        Invalid("", "invalid reference \"\": it is empty"),
    ]

    @Test(arguments: invalidCases)
    func refusesInvalidLocation(_ c: Invalid) {
        do {
            let location = try ImageLocation(parsing: c.input)
            Issue.record("parsed \(c.input) as \(location)")
        } catch let error as XArchError {
            #expect(error.code == .invalidInput)
            for fragment in c.fragments {
                #expect(error.message.contains(fragment), "\(error.message)")
            }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: ["oci:5000", "dir:5000", "docker-archive:5000", "sif:1"])
    func registryThatReadsAsTransportIsWrittenWithDockerPrefix(_ registry: String) throws {
        let reference = try ImageReference(registry: registry, repository: "app", tag: "1")
        let location = ImageLocation.registry(reference)
        #expect(location.description == "docker://\(registry)/app:1")
        #expect(try ImageLocation(parsing: location.description) == location)
    }

    struct BadLayoutParts: Sendable, CustomTestStringConvertible {
        let path: String, tag: String?, fragment: String
        var testDescription: String { "\(path) \(tag ?? "-")" }
    }

    @Test(arguments: [
        BadLayoutParts(path: "", tag: nil, fragment: "the layout path is empty"),
        BadLayoutParts(path: "a:b", tag: nil, fragment: "the path contains \":\""),
        BadLayoutParts(path: "//srv/x", tag: nil, fragment: "not a URL"),
        BadLayoutParts(path: "x\0y", tag: nil, fragment: "NUL"),
        BadLayoutParts(path: "out", tag: "-x", fragment: "is not a valid org.opencontainers.image.ref.name"),
        BadLayoutParts(path: "out", tag: "a@sha256:b", fragment: "reads as \"@DIGEST\""),
    ])
    func layoutPartsAreValidated(_ c: BadLayoutParts) {
        #expect {
            try LayoutReference(path: c.path, tag: c.tag)
        } throws: { error in
            (error as? XArchError)?.message.contains(c.fragment) == true
        }
    }

    @Test(arguments: [
        ("oci-archive:x.tar", "oci-archive:x.tar", "x.tar", nil, nil),
        ("oci-archive:/tmp/a.tar:v1", "oci-archive:/tmp/a.tar:v1", "/tmp/a.tar", "v1", nil),
        ("oci-archive:a.tar:docker.io/library/alpine:3.19", "oci-archive:a.tar:docker.io/library/alpine:3.19", "a.tar",
         "docker.io/library/alpine:3.19", nil),
        ("docker-archive:x.tar", "docker-archive:x.tar", "x.tar", nil, nil),
        ("docker-archive:/tmp/x.tar:alpine", "docker-archive:/tmp/x.tar:docker.io/library/alpine:latest", "/tmp/x.tar", nil,
         "docker.io/library/alpine:latest"),
        ("docker-archive:x.tar:localhost:5000/app:1.0", "docker-archive:x.tar:localhost:5000/app:1.0", "x.tar", nil,
         "localhost:5000/app:1.0"),
    ] as [(String, String, String, String?, String?)])
    func parsesArchiveLocation(_ input: String, _ written: String, _ path: String, _ tag: String?, _ name: String?) throws {
        let location = try ImageLocation(parsing: input)
        guard case .archive(let archive) = location else {
            Issue.record("\(input) parsed as \(location)")
            return
        }
        #expect(archive.format == (input.hasPrefix("oci-archive:") ? .oci : .docker))
        #expect(archive.path == path)
        #expect(archive.tag == tag)
        #expect(archive.name?.description == name)
        #expect(location.description == written)
        #expect(try ImageLocation(parsing: written) == location)
        #expect(location.digest == nil)
    }
}
