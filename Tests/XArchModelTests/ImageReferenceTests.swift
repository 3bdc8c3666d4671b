import Testing
import XArchModel

/// Tables from docker's own cases (distribution/reference reference_test.go and normalize_test.go,
/// restated for normalized parsing) plus xarch's.
struct ImageReferenceTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        let input: String, registry: String, repository: String, tag: String?, digest: String?
        let full: String, familiar: String
        var testDescription: String { input.count > 80 ? String(input.prefix(77)) + "…" : input }

        init(_ input: String, _ registry: String, _ repository: String, tag: String? = nil, digest: String? = nil,
             full: String, familiar: String) {
            (self.input, self.registry, self.repository, self.tag, self.digest) = (input, registry, repository, tag, digest)
            (self.full, self.familiar) = (full, familiar)
        }
    }

    static let h64 = String(repeating: "f", count: 64)
    static let h128 = String(repeating: "f", count: 128)
    static let busybox = "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"
    static let redis = "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c"
    static let imageID = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"
    static let path255 = String(repeating: "a/", count: 127) + "a"
    static let name247 = String(repeating: "a", count: 247)
    static let tag128 = String(repeating: "t", count: 128)

    static let valid: [Valid] = [
        // Docker Hub normalization (normalize_test.go).
        Valid("ubuntu", "docker.io", "library/ubuntu", full: "docker.io/library/ubuntu:latest", familiar: "ubuntu"),
        Valid("ubuntu:latest", "docker.io", "library/ubuntu", tag: "latest", full: "docker.io/library/ubuntu:latest", familiar: "ubuntu:latest"),
        Valid("docker.io/library/ubuntu", "docker.io", "library/ubuntu", full: "docker.io/library/ubuntu:latest", familiar: "ubuntu"),
        Valid("docker.io/ubuntu", "docker.io", "library/ubuntu", full: "docker.io/library/ubuntu:latest", familiar: "ubuntu"),
        Valid("library/ubuntu", "docker.io", "library/ubuntu", full: "docker.io/library/ubuntu:latest", familiar: "ubuntu"),
        Valid("index.docker.io/ubuntu", "docker.io", "library/ubuntu", full: "docker.io/library/ubuntu:latest", familiar: "ubuntu"),
        Valid("index.docker.io/library/debian", "docker.io", "library/debian", full: "docker.io/library/debian:latest", familiar: "debian"),
        Valid("index.docker.io/foo", "docker.io", "library/foo", full: "docker.io/library/foo:latest", familiar: "foo"),
        Valid("index.docker.io/fooo/bar", "docker.io", "fooo/bar", full: "docker.io/fooo/bar:latest", familiar: "fooo/bar"),
        Valid("docker/docker", "docker.io", "docker/docker", full: "docker.io/docker/docker:latest", familiar: "docker/docker"),
        Valid("nonlibrary/ubuntu", "docker.io", "nonlibrary/ubuntu", full: "docker.io/nonlibrary/ubuntu:latest", familiar: "nonlibrary/ubuntu"),
        Valid("other/library", "docker.io", "other/library", full: "docker.io/other/library:latest", familiar: "other/library"),
        Valid("library/foo/bar", "docker.io", "library/foo/bar", full: "docker.io/library/foo/bar:latest", familiar: "library/foo/bar"),
        Valid("docker.io/library/foo/bar", "docker.io", "library/foo/bar", full: "docker.io/library/foo/bar:latest", familiar: "library/foo/bar"),
        Valid("store/foo/bar", "docker.io", "store/foo/bar", full: "docker.io/store/foo/bar:latest", familiar: "store/foo/bar"),
        Valid("ubuntu-12.04-base", "docker.io", "library/ubuntu-12.04-base", full: "docker.io/library/ubuntu-12.04-base:latest", familiar: "ubuntu-12.04-base"),
        Valid("docker:24-dind", "docker.io", "library/docker", tag: "24-dind", full: "docker.io/library/docker:24-dind", familiar: "docker:24-dind"),
        Valid("alpine:3.19", "docker.io", "library/alpine", tag: "3.19", full: "docker.io/library/alpine:3.19", familiar: "alpine:3.19"),
        Valid("alpine:_tag", "docker.io", "library/alpine", tag: "_tag", full: "docker.io/library/alpine:_tag", familiar: "alpine:_tag"),
        Valid("lowercase:Uppercase", "docker.io", "library/lowercase", tag: "Uppercase", full: "docker.io/library/lowercase:Uppercase", familiar: "lowercase:Uppercase"),
        // Path components (TestValidateRemoteName).
        Valid("docker-rules/docker", "docker.io", "docker-rules/docker", full: "docker.io/docker-rules/docker:latest", familiar: "docker-rules/docker"),
        Valid("docker---rules/docker", "docker.io", "docker---rules/docker", full: "docker.io/docker---rules/docker:latest", familiar: "docker---rules/docker"),
        Valid("d/docker", "docker.io", "d/docker", full: "docker.io/d/docker:latest", familiar: "d/docker"),
        Valid("jess/t", "docker.io", "jess/t", full: "docker.io/jess/t:latest", familiar: "jess/t"),
        Valid("dock__er/docker", "docker.io", "dock__er/docker", full: "docker.io/dock__er/docker:latest", familiar: "dock__er/docker"),
        Valid("test_com", "docker.io", "library/test_com", full: "docker.io/library/test_com:latest", familiar: "test_com"),
        Valid("test_com/foo", "docker.io", "test_com/foo", full: "docker.io/test_com/foo:latest", familiar: "test_com/foo"),
        Valid("thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io", "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
              full: "docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest", familiar: "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev"),
        Valid("docker.io/" + imageID, "docker.io", "library/" + imageID, full: "docker.io/library/\(imageID):latest", familiar: "library/" + imageID),
        Valid(imageID + ":v1", "docker.io", "library/" + imageID, tag: "v1", full: "docker.io/library/\(imageID):v1", familiar: "library/\(imageID):v1"),
        Valid(String(imageID.dropLast()), "docker.io", "library/" + imageID.dropLast(), full: "docker.io/library/\(imageID.dropLast()):latest", familiar: String(imageID.dropLast())),
        // A first component without ".", ":" or uppercase is a Docker Hub namespace; alone it is a name.
        Valid("localhost", "docker.io", "library/localhost", full: "docker.io/library/localhost:latest", familiar: "localhost"),
        Valid("localhost:5000", "docker.io", "library/localhost", tag: "5000", full: "docker.io/library/localhost:5000", familiar: "localhost:5000"),
        Valid("test.com:tag", "docker.io", "library/test.com", tag: "tag", full: "docker.io/library/test.com:tag", familiar: "test.com:tag"),
        Valid("foo_bar.com:8080", "docker.io", "library/foo_bar.com", tag: "8080", full: "docker.io/library/foo_bar.com:8080", familiar: "foo_bar.com:8080"),
        Valid("foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", tag: "8080", full: "docker.io/foo/foo_bar.com:8080", familiar: "foo/foo_bar.com:8080"),
        Valid("192.168.1.1", "docker.io", "library/192.168.1.1", full: "docker.io/library/192.168.1.1:latest", familiar: "192.168.1.1"),
        Valid("192.168.1.1:5000", "docker.io", "library/192.168.1.1", tag: "5000", full: "docker.io/library/192.168.1.1:5000", familiar: "192.168.1.1:5000"),
        // Registries: localhost, host names, IPv4, IPv6, ports, uppercase.
        Valid("localhost/foo", "localhost", "foo", full: "localhost/foo:latest", familiar: "localhost/foo"),
        Valid("localhost:5000/foo/bar:tag", "localhost:5000", "foo/bar", tag: "tag", full: "localhost:5000/foo/bar:tag", familiar: "localhost:5000/foo/bar:tag"),
        Valid("127.0.0.1:5000/x", "127.0.0.1:5000", "x", full: "127.0.0.1:5000/x:latest", familiar: "127.0.0.1:5000/x"),
        Valid("127.0.0.1:8000/private/moonbase", "127.0.0.1:8000", "private/moonbase", full: "127.0.0.1:8000/private/moonbase:latest", familiar: "127.0.0.1:8000/private/moonbase"),
        Valid("192.168.1.1/repo", "192.168.1.1", "repo", full: "192.168.1.1/repo:latest", familiar: "192.168.1.1/repo"),
        Valid("192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", tag: "5050", full: "192.168.1.1:5000/repo:5050", familiar: "192.168.1.1:5000/repo:5050"),
        Valid("[::1]:5000/x", "[::1]:5000", "x", full: "[::1]:5000/x:latest", familiar: "[::1]:5000/x"),
        Valid("[2001:db8::1]/x", "[2001:db8::1]", "x", full: "[2001:db8::1]/x:latest", familiar: "[2001:db8::1]/x"),
        Valid("[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo", full: "[2001:db8::]:5000/repo:latest", familiar: "[2001:db8::]:5000/repo"),
        Valid("[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]", "repo", tag: "tag", full: "[2001:db8:1:2:3:4:5:6]/repo:tag", familiar: "[2001:db8:1:2:3:4:5:6]/repo:tag"),
        Valid("[fc00::1]:5000/docker/docker", "[fc00::1]:5000", "docker/docker", full: "[fc00::1]:5000/docker/docker:latest", familiar: "[fc00::1]:5000/docker/docker"),
        Valid("[2001:db8::1]:5000/repo:tag@sha256:\(h64)", "[2001:db8::1]:5000", "repo", tag: "tag", digest: "sha256:" + h64,
              full: "[2001:db8::1]:5000/repo:tag@sha256:\(h64)", familiar: "[2001:db8::1]:5000/repo:tag@sha256:\(h64)"),
        Valid("test:5000/repo", "test:5000", "repo", full: "test:5000/repo:latest", familiar: "test:5000/repo"),
        Valid("test-com:8080/foo", "test-com:8080", "foo", full: "test-com:8080/foo:latest", familiar: "test-com:8080/foo"),
        Valid("test.com/repo:tag", "test.com", "repo", tag: "tag", full: "test.com/repo:tag", familiar: "test.com/repo:tag"),
        Valid("example.com:8000/named:tagged", "example.com:8000", "named", tag: "tagged", full: "example.com:8000/named:tagged", familiar: "example.com:8000/named:tagged"),
        Valid("sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux", tag: "some-long-tag", full: "sub-dom1.foo.com/bar/baz/quux:some-long-tag", familiar: "sub-dom1.foo.com/bar/baz/quux:some-long-tag"),
        Valid("b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app", tag: "test.example.com", full: "b.gcr.io/test.example.com/my-app:test.example.com", familiar: "b.gcr.io/test.example.com/my-app:test.example.com"),
        Valid("xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", tag: "xn--n3h.com", full: "xn--n3h.com/myimage:xn--n3h.com", familiar: "xn--n3h.com/myimage:xn--n3h.com"),
        Valid("xn--7o8h.com/myimage:xn--7o8h.com@sha512:\(h128)", "xn--7o8h.com", "myimage", tag: "xn--7o8h.com", digest: "sha512:" + h128,
              full: "xn--7o8h.com/myimage:xn--7o8h.com@sha512:\(h128)", familiar: "xn--7o8h.com/myimage:xn--7o8h.com@sha512:\(h128)"),
        Valid("registry.example.com:443/team/app:v1.2.3-rc.1", "registry.example.com:443", "team/app", tag: "v1.2.3-rc.1", full: "registry.example.com:443/team/app:v1.2.3-rc.1", familiar: "registry.example.com:443/team/app:v1.2.3-rc.1"),
        Valid("Foo.com/bar", "Foo.com", "bar", full: "Foo.com/bar:latest", familiar: "Foo.com/bar"),
        Valid("Foo/bar", "Foo", "bar", full: "Foo/bar:latest", familiar: "Foo/bar"),
        Valid("FOO/bar", "FOO", "bar", full: "FOO/bar:latest", familiar: "FOO/bar"),
        Valid("Docker/docker", "Docker", "docker", full: "Docker/docker:latest", familiar: "Docker/docker"),
        Valid("Docker.io/foo", "Docker.io", "foo", full: "Docker.io/foo:latest", familiar: "Docker.io/foo"),
        Valid("LOCALHOST/foo", "LOCALHOST", "foo", full: "LOCALHOST/foo:latest", familiar: "LOCALHOST/foo"),
        // Digests, alone and with a tag (TestParseReferenceWithTagAndDigest, TestParseAnyReference).
        Valid("busybox:latest@\(busybox)", "docker.io", "library/busybox", tag: "latest", digest: busybox,
              full: "docker.io/library/busybox:latest@\(busybox)", familiar: "busybox:latest@\(busybox)"),
        Valid("redis@\(redis)", "docker.io", "library/redis", digest: redis, full: "docker.io/library/redis@\(redis)", familiar: "redis@\(redis)"),
        Valid("dmcgowan/myapp@\(redis)", "docker.io", "dmcgowan/myapp", digest: redis, full: "docker.io/dmcgowan/myapp@\(redis)", familiar: "dmcgowan/myapp@\(redis)"),
        Valid("ghcr.io/o/r@\(redis)", "ghcr.io", "o/r", digest: redis, full: "ghcr.io/o/r@\(redis)", familiar: "ghcr.io/o/r@\(redis)"),
        Valid("test:5000/repo@sha256:\(h64)", "test:5000", "repo", digest: "sha256:" + h64, full: "test:5000/repo@sha256:\(h64)", familiar: "test:5000/repo@sha256:\(h64)"),
        Valid("alpine@sha512:\(h128)", "docker.io", "library/alpine", digest: "sha512:" + h128, full: "docker.io/library/alpine@sha512:\(h128)", familiar: "alpine@sha512:\(h128)"),
        // Limits: 255 characters of repository path (after "library/"), 128 of tag.
        Valid(path255 + ":tag-puts-this-over-max", "docker.io", path255, tag: "tag-puts-this-over-max", full: "docker.io/\(path255):tag-puts-this-over-max", familiar: path255 + ":tag-puts-this-over-max"),
        Valid(name247, "docker.io", "library/" + name247, full: "docker.io/library/\(name247):latest", familiar: name247),
        Valid("example.com/" + path255, "example.com", path255, full: "example.com/\(path255):latest", familiar: "example.com/" + path255),
        Valid("alpine:" + tag128, "docker.io", "library/alpine", tag: tag128, full: "docker.io/library/alpine:" + tag128, familiar: "alpine:" + tag128),
    ]

    @Test(arguments: valid)
    func parsesValidReference(_ c: Valid) throws {
        let ref = try ImageReference(parsing: c.input)
        #expect(ref.registry == c.registry)
        #expect(ref.repository == c.repository)
        #expect(ref.tag == c.tag)
        #expect(ref.digest?.description == c.digest)
        #expect(ref.description == c.full)
        #expect(ref.familiar == c.familiar)
    }

    @Test(arguments: valid)
    func writtenFormsParseBack(_ c: Valid) throws {
        let ref = try ImageReference(parsing: c.input)
        #expect(try ImageReference(parsing: ref.familiar) == ref)
        let full = try ImageReference(parsing: ref.description)
        #expect(full.description == ref.description)
        #expect(full == (ref.tag == nil && ref.digest == nil ? try ref.with(tag: "latest") : ref))
        let rebuilt = try ImageReference(registry: ref.registry, repository: ref.repository, tag: ref.tag, digest: ref.digest)
        #expect(rebuilt == ref)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let input: String, fragment: String
        var testDescription: String { input.count > 80 ? String(input.prefix(77)) + "…" : input }
        init(_ input: String, _ fragment: String) { (self.input, self.fragment) = (input, fragment) }
    }

    static let invalid: [Invalid] = [
        Invalid("", "it is empty"),
        // Ports outside 1–65535 never reach the socket layer (it traps on them).
        Invalid("127.0.0.1:70000/x", "which is not a TCP port (1–65535)"),
        Invalid("127.0.0.1:0/x", "which is not a TCP port (1–65535)"),
        Invalid("127.0.0.1:99999999999999999999/x", "which is not a TCP port (1–65535)"),
        Invalid("[::1]:65536/x", "which is not a TCP port (1–65535)"),
        Invalid(":justtag", "the repository name is missing"),
        Invalid("@sha256:\(h64)", "the repository name is missing"),
        Invalid(":", "the repository name is missing"),
        Invalid("x:", "tag is empty"),
        Invalid("x@", "the digest after \"@\" is empty"),
        Invalid("alpine:3@", "the digest after \"@\" is empty"),
        Invalid("a@sha256:12", "invalid digest \"sha256:12\": a sha256 digest has 64 hex characters, this one has 2"),
        Invalid("repo@sha256:ffffffffffffffffffffffffffffffffff", "invalid digest"),
        Invalid("validname@invaliddigest:\(h64)", "unsupported algorithm \"invaliddigest\""),
        Invalid("repo@sha256:" + h64.uppercased(), "uppercase hex is not allowed"),
        Invalid("repo@sha384:" + String(repeating: "f", count: 96), "unsupported algorithm \"sha384\""),
        Invalid("a@latest", "expected ALGORITHM:HEX"),
        Invalid("Uppercase:tag", "repository name must be lowercase"),
        Invalid("Uppercase", "repository name must be lowercase"),
        Invalid("docker/Docker", "repository name must be lowercase"),
        Invalid("docker.io/docker/Docker", "repository name must be lowercase"),
        Invalid("test:5000/Uppercase/lowercase:tag", "repository name must be lowercase"),
        Invalid("localhost/Foo", "repository name must be lowercase"),
        Invalid(String(repeating: "a/", count: 128) + "a:tag", "repository name must not be more than 255 characters (this one has 257)"),
        Invalid(String(repeating: "a", count: 248), "repository name must not be more than 255 characters (this one has 256)"),
        Invalid("example.com/" + String(repeating: "a", count: 256), "must not be more than 255 characters"),
        Invalid("this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker",
                "must not be more than 255 characters"),
        Invalid("alpine:" + String(repeating: "t", count: 129), "tag must not be more than 128 characters (this one has 129)"),
        Invalid("alpine:-tag", "tag \"-tag\" must start with a letter, digit or \"_\""),
        Invalid("alpine:.tag", "must start with a letter, digit or \"_\""),
        Invalid("alpine:ta+g", "tag \"ta+g\" contains \"+\""),
        Invalid("aa/asdf$$^/aa", "path component \"asdf$$^\" contains \"$\""),
        Invalid("docker///docker", "empty path component"),
        Invalid("a//b", "empty path component"),
        Invalid("a/b/", "empty path component"),
        Invalid("docker/", "empty path component"),
        Invalid("/foo", "empty path component"),
        Invalid("docker.io/docker///docker", "empty path component"),
        Invalid("localhost/", "the repository name after registry \"localhost\" is missing"),
        Invalid("ghcr.io/:tag", "the repository name after registry \"ghcr.io\" is missing"),
        Invalid("-docker", "path component \"-docker\" must start with a lowercase letter or digit"),
        Invalid("-docker/docker", "must start with a lowercase letter or digit"),
        Invalid("docker-/docker", "path component \"docker-\" must end with a lowercase letter or digit"),
        Invalid("-docker-/docker", "must start with a lowercase letter or digit"),
        Invalid("____/____", "must start with a lowercase letter or digit"),
        Invalid("_docker/_docker", "must start with a lowercase letter or digit"),
        Invalid("docker/dock..er", "has the separator \"..\""),
        Invalid("docker/dock_.er", "has the separator \"_.\""),
        Invalid("docker/dock-.er", "has the separator \"-.\""),
        Invalid("dock___er/docker", "has the separator \"___\""),
        Invalid("dock..er/docker", "registry \"dock..er\" is not a valid host name"),
        Invalid("dock_.er/docker", "registry \"dock_.er\" is not a valid host name"),
        Invalid("a:b:c", "path component \"a:b\" contains \":\""),
        Invalid("a b", "contains \" \""),
        Invalid("café", "contains \"é\""),
        Invalid(imageID, "is an image ID, not a repository name"),
        Invalid("-docker.io/docker/docker", "registry \"-docker.io\" is not a valid host name"),
        Invalid("foo_bar.com/x", "registry \"foo_bar.com\" is not a valid host name"),
        Invalid("ex ample.com/x", "is not a valid host name"),
        Invalid("a..b/x", "is not a valid host name"),
        Invalid("host:port/x", "registry \"host:port\" has port \"port\", which is not a number"),
        Invalid("localhost:/x", "has port \"\", which is not a number"),
        Invalid("fc00::1:5000/debian", "which is not a number"),
        Invalid("https://github.com/docker/docker", "registry \"https:\" has port \"\""),
        Invalid("[2001:db8::1]", "an IPv6 registry needs a repository after it"),
        Invalid("[2001:db8::1]:5000", "an IPv6 registry needs a repository after it"),
        Invalid("[2001:db8::1]:tag", "an IPv6 registry needs a repository after it"),
        Invalid("[fc00::1]", "an IPv6 registry needs a repository after it"),
        Invalid("[fe80::1%eth0]:5000/repo", "is not an IPv6 address in brackets"),
        Invalid("[fe80::1%@invalidzone]:5000/repo", "IPv6"),
        Invalid("[2001:db8:3:4::192.0.2.33]:5000/debian", "is not an IPv6 address in brackets"),
        Invalid("[]:5000/repo", "is not an IPv6 address in brackets"),
        Invalid("[::1/repo", "opens \"[\" without closing it"),
        Invalid("[::1]x/repo", "has unexpected text after \"]\""),
    ]

    @Test(arguments: invalid)
    func refusesInvalidReference(_ c: Invalid) {
        do {
            let ref = try ImageReference(parsing: c.input)
            Issue.record("parsed \(c.input) as \(ref)")
        } catch let error as XArchError {
            #expect(error.code == .invalidInput)
            #expect(error.message.hasPrefix("invalid reference \""))
            #expect(error.message.contains(c.fragment), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: [
        ("localhost/x", true), ("localhost:5000/x", true), ("LOCALHOST/x", true), ("Localhost:80/x", true),
        ("127.0.0.1/x", true), ("127.0.0.1:5000/x", true), ("127.255.255.254:1/x", true), ("127.1.2.3/x", true),
        ("[::1]/x", true), ("[::1]:5000/x", true), ("[0:0:0:0:0:0:0:1]:5000/x", true), ("[0::1]/x", true),
        ("[0000:0000::0001]/x", true),
        ("alpine", false), ("ghcr.io/o/r", false), ("128.0.0.1/x", false), ("10.0.0.1:5000/x", false),
        ("127.0.0/x", false), ("127.0.0.256/x", false), ("127.0.0.1.5/x", false), ("[::2]/x", false),
        ("[::]/x", false), ("[1::1]/x", false), ("[::1:1]/x", false), ("[2001:db8::1]/x", false),
        ("localhost.example.com/x", false), ("mylocalhost.dev/x", false), ("[0:0:0:0:0:0:0:0:1]/x", false),
    ])
    func detectsLoopbackRegistries(_ input: String, _ loopback: Bool) throws {
        #expect(try ImageReference(parsing: input).isLoopback == loopback)
    }

    @Test(arguments: [
        ("alpine", "latest"), ("alpine:3.19", "3.19"), ("alpine@\(redis)", redis), ("alpine:3.19@\(redis)", redis),
        ("localhost:5000/app", "latest"), ("localhost:5000/app:v2", "v2"),
    ])
    func tagOrDigestPrefersDigestThenTagThenLatest(_ input: String, _ expected: String) throws {
        #expect(try ImageReference(parsing: input).tagOrDigest == expected)
    }

    @Test func withReturnsNewValues() throws {
        let base = try ImageReference(parsing: "ghcr.io/o/r:1@\(Self.redis)")
        let digest = try Digest(parsing: Self.busybox)
        #expect(try base.with(tag: "2").description == "ghcr.io/o/r:2@\(Self.redis)")
        #expect(try base.with(tag: String?.none).description == "ghcr.io/o/r@\(Self.redis)")
        #expect(base.with(digest: digest).description == "ghcr.io/o/r:1@\(Self.busybox)")
        #expect(base.with(digest: Digest?.none).description == "ghcr.io/o/r:1")
        #expect(try base.with(tag: String?.none).with(digest: Digest?.none).description == "ghcr.io/o/r:latest")
        #expect(base.description == "ghcr.io/o/r:1@\(Self.redis)")
        #expect(base.name == "ghcr.io/o/r")
        #expect(base.familiarName == "ghcr.io/o/r")
        #expect(throws: XArchError.self) { try base.with(tag: "-bad") }
        #expect(throws: XArchError.self) { try base.with(tag: String(repeating: "t", count: 129)) }
        #expect(throws: XArchError.self) { try base.with(tag: "") }
    }

    @Test func partsAreNormalizedLikeParsing() throws {
        #expect(try ImageReference(repository: "alpine") == ImageReference(parsing: "alpine"))
        #expect(try ImageReference(registry: "index.docker.io", repository: "alpine", tag: "3") == ImageReference(parsing: "alpine:3"))
        #expect(try ImageReference(registry: "index.docker.io", repository: "o/r").description == "docker.io/o/r:latest")
        #expect(try ImageReference(registry: "[::1]:5000", repository: "a/b").description == "[::1]:5000/a/b:latest")
        #expect(try ImageReference(registry: "localhost", repository: "app").familiar == "localhost/app")
    }

    @Test(arguments: [
        ("myhost", "app", "would be read as a Docker Hub namespace"),
        ("", "app", "is not a valid host name"),
        ("foo_bar.com", "app", "is not a valid host name"),
        ("ghcr.io", "App", "repository name must be lowercase"),
        ("ghcr.io", "", "repository name is missing"),
        ("ghcr.io", "a//b", "empty path component"),
        ("docker.io", String(repeating: "a", count: 248), "must not be more than 255 characters (this one has 256)"),
    ])
    func partsAreValidated(_ registry: String, _ repository: String, _ fragment: String) {
        #expect {
            try ImageReference(registry: registry, repository: repository)
        } throws: { error in
            guard let error = error as? XArchError else { return false }
            return error.code == .invalidInput && error.message.hasPrefix("invalid image reference") && error.message.contains(fragment)
        }
    }

    @Test func taggedPartsAreValidated() {
        #expect(throws: XArchError.self) { try ImageReference(registry: "ghcr.io", repository: "o/r", tag: "bad tag") }
    }

    @Test func errorsQuoteLongAndOddInputSafely() {
        let long = String(repeating: "A", count: 5000)
        let error = #expect(throws: XArchError.self) { try ImageReference(parsing: long) }
        #expect((error?.message.count ?? .max) < 400)
        let odd = #expect(throws: XArchError.self) { try ImageReference(parsing: "a\nb") }
        #expect(odd?.message.contains("\"a\\nb\"") == true)
    }
}
