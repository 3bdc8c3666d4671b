import Testing
import XArchModel
@testable import XArchBuild

/// `.dockerignore` as moby/patternmatcher reads it (the cases follow its test table and the Dockerfile
/// reference's examples).
@Suite struct DockerIgnoreTests {
    @Test(arguments: [
        ("**", "file", true), ("**", "dir/file", true), ("**/", "file", true),
        ("**/**", "dir/file", true), ("dir/**", "dir/file", true), ("dir/**", "dir/dir2/file", true),
        ("dir/**", "dir", false), ("dir/**", "dirx/file", false),
        ("**/dir2/*", "dir/dir2/file", true), ("**/dir2/**", "dir/dir2/dir3/file", true),
        ("**file", "file", true), ("**file", "dir/file", true), ("**file", "dir/xfile", true),
        ("**/file", "dir/dir/file", true), ("**/file", "file", true), ("**/file", "dir/xfile", false),
        ("**/file*", "dir/dir/file.txt", true), ("**/file*txt", "dir/dir/file.txt", true),
        ("**/**/*.txt", "dir/dir/file.txt", true), ("**/*.txt", "file.txt", true),
        ("**/**/*.txt2", "dir/dir/file.txt", false), ("dir/**/*.txt", "dir/dir/file.txt", true),
        ("dir/**/*.txt", "dir/file.txt", true), ("**.txt", "file.txt", true), ("**.txt", "dir/file.txt", true),
        ("*.txt", "file.txt", true), ("*.txt", "dir/file.txt", false), ("*", "dir/file", true),
        ("*/*.go", "cmd/main.go", true), ("*/*.go", "cmd/sub/main.go", false),
        ("a[b-d]e", "ace", true), ("a[b-d]e", "aze", false), ("a[^b-d]e", "aze", true),
        ("abc.def", "abcdef", false), ("abc?def", "abcxdef", true), ("abc?def", "abc/def", false),
        ("a\\*b", "a*b", true), ("a\\*b", "axb", false), ("/secret", "secret", true),
        ("/secret", "a/secret", false), ("a/../b", "b", true), ("./a//b/", "a/b", true),
        ("**/node_modules", "web/node_modules/left-pad/index.js", true), ("node_modules", "node_modules/x", true),
        ("temp?", "tempa", true), ("*/temp*", "somedir/temporary.txt", true), ("*/*/temp*", "a/b/temp.txt", true),
    ])
    func single(pattern: String, path: String, excluded: Bool) throws {
        let ignore = try DockerIgnore(parsing: pattern + "\n")
        #expect(ignore.excludes(path) == excluded, "\(pattern) on \(path)")
    }

    @Test func exceptionsAndOrder() throws {
        let ignore = try DockerIgnore(parsing: """
            # comment
            *.md
              !README.md  \r
            docs

            !docs/keep.md
            README-secret.md
            """)
        #expect(ignore.excludes("notes.md"))
        #expect(!ignore.excludes("README.md"))
        #expect(ignore.excludes("README-secret.md"))
        #expect(ignore.excludes("docs/other.txt"))
        #expect(!ignore.excludes("docs/keep.md"))
        #expect(!ignore.excludes("src/main.swift"))
        #expect(ignore.hasExceptions)
        #expect(ignore.mayIncludeBelow("docs"))
        #expect(!ignore.mayIncludeBelow("src"))
    }

    @Test func wildcardExceptionsDoNotReopenDirectories() throws {
        let ignore = try DockerIgnore(parsing: "docs\n!**/keep.md\n")
        #expect(!ignore.excludes("docs/keep.md"))
        #expect(!ignore.mayIncludeBelow("docs"))
    }

    @Test func commentsNeedTheHashFirst() throws {
        let ignore = try DockerIgnore(parsing: " #notacomment\n")
        #expect(ignore.excludes("#notacomment"))
    }

    @Test(arguments: ["!", "a[", "a[]", "b\\", "[z-a]"])
    func malformed(pattern: String) {
        #expect(throws: XArchError.self) { try DockerIgnore(parsing: pattern) }
    }

    @Test(arguments: [
        ("a/b/../c", "a/c"), ("/../x", "/x"), ("../x", "../x"), ("", "."), ("a//b/./", "a/b"), ("/", "/"),
    ])
    func cleanPath(input: String, output: String) {
        #expect(CleanPath.clean(input) == output)
    }
}

/// `.dockerignore` and COPY patterns match in linear time (they took exponential time by backtracking).
@Suite struct GlobPatternSpeedTests {
    @Test(.timeLimit(.minutes(1))) func manyStarsAndDoubleStarsAreLinear() throws {
        let name = String(repeating: "a", count: 200)
        #expect(!(try GlobPattern("*a*a*a*a*a*a*b").matches(name)))
        #expect(try GlobPattern("*a*a*a*a*a*a*a").matches(name))
        let deep = String(repeating: "**/", count: 50) + "x"
        let path = (0..<60).map { "d\($0)" }.joined(separator: "/") + "/y"
        #expect(!(try GlobPattern(deep, doubleStar: true).matches(path)))
        #expect(try GlobPattern(deep, doubleStar: true).matches(path.dropLast() + "x"))
    }

    @Test(arguments: [
        ("a/**/b", "a/b", true), ("a/**/b", "a/x/y/b", true), ("a/**/b", "a/xb", false), ("**/b", "b", true),
        ("**", "any/thing", true), ("a/**", "a/b/c", true), ("*.go", "x/y.go", false), ("x/*.go", "x/y.go", true),
        ("[a-c]?", "bz", true), ("[^a-c]?", "bz", false), ("a\\*", "a*", true), ("a\\*", "ab", false),
    ])
    func semantics(pattern: String, text: String, expected: Bool) throws {
        #expect(try GlobPattern(pattern, doubleStar: true).matches(text) == expected, "\(pattern) ~ \(text)")
    }
}
