import Testing
@testable import XArchDockerfile

/// Details the s-expression form does not show: heredoc bodies, positions, directives, warnings.
@Suite struct ParserTests {
    /// BuildKit's heredoc test cases (`parser_heredoc_test.go`), as facts: name, body, expand, chomp, fd.
    @Test func heredocs() throws {
        let text = """
            FROM alpine:3.6
            RUN <<EMPTY
            EMPTY
            RUN 3<<EMPTY2
            EMPTY2
            RUN "<<NOHEREDOC"
            RUN <<-UNINDENT
            \tbaz
            \tquux
            \tUNINDENT
            RUN <<-'NOEXPAND'
            \tdon't expand $NAME
            NOEXPAND
            COPY <<X <<Y /dest
            Y
            X
            X
            Y
            RUN <<eo'f'
            echo foo
            eof
            RUN <<eo\\'f
            echo foo
            eo'f
            RUN <<'e'o\\'f
            echo foo
            eo'f
            RUN <<'one two'
            echo bar
            one two
            RUN <<$EOF
            $EOF
            RUN <<  EOF  > foo
            EOF
            USER <<INVALID
            RUN ["<<EOF"]

            """
        let parsed = try DockerfileParser.parse(text)
        func docs(_ i: Int) -> [String] {
            parsed.instructions[i].heredocs.map { "\($0.name)|\($0.content)|\($0.expand)|\($0.chomp)|\($0.fileDescriptor)" }
        }
        #expect(docs(1) == ["EMPTY||true|false|0"])
        #expect(docs(2) == ["EMPTY2||true|false|3"])
        #expect(docs(3) == [])
        #expect(docs(4) == ["UNINDENT|\tbaz\n\tquux\n|true|true|0"])
        #expect(parsed.instructions[4].heredocs[0].effectiveContent == "baz\nquux\n")
        #expect(docs(5) == ["NOEXPAND|\tdon't expand $NAME\n|false|true|0"])
        #expect(docs(6) == ["X|Y\n|true|false|0", "Y|X\n|true|false|0"])
        #expect(docs(7) == ["eof|echo foo\n|false|false|0"])
        #expect(docs(8) == ["eo'f|echo foo\n|true|false|0"])
        #expect(docs(9) == ["eo'f|echo foo\n|false|false|0"])
        #expect(docs(10) == ["one two|echo bar\n|false|false|0"])
        #expect(docs(11) == ["$EOF||true|false|0"])
        #expect(docs(12) == ["EOF||true|false|0"])
        #expect(docs(13) == [])
        #expect(docs(14) == [])
        #expect(parsed.instructions[6].range == SourceRange(start: .init(line: 14, column: 1), end: .init(line: 18, column: 1)))
    }

    @Test func positions() throws {
        let parsed = try DockerfileParser.parse("# syntax=docker/dockerfile:1\n\n  FROM --platform=$BUILDPLATFORM golang AS build\nRUN a \\\n    b  \\\n  c\nENV K=v L=\"w x\"\n")
        let from = parsed.instructions[0]
        #expect(from.keyword.position == SourcePosition(line: 3, column: 3))
        #expect(from.flags[0].position == SourcePosition(line: 3, column: 8))
        #expect(from.arguments.map(\.position.column) == [34, 41, 44])
        #expect(from.flag("platform")?.position == SourcePosition(line: 3, column: 19))
        let run = parsed.instructions[1]
        #expect(run.arguments[0].value == "a     b    c")
        #expect(run.range == SourceRange(start: .init(line: 4, column: 1), end: .init(line: 6, column: 3)))
        let env = parsed.instructions[2]
        #expect(env.arguments.map { "\($0.value)@\($0.position.column)" } == ["K@5", "v@7", "=@6", "L@9", "\"w x\"@11", "=@10"])
        #expect(parsed.directive("syntax") == "docker/dockerfile:1")
    }

    @Test func warnsOnEmptyContinuationLines() throws {
        let parsed = try DockerfileParser.parse("FROM a\nRUN x \\\n\n  y\nRUN z\n")
        #expect(parsed.warnings.count == 1)
        #expect(parsed.warnings[0].message == "Empty continuation line found in: RUN x   y")
    }

    @Test func commentsAttachToTheNextInstruction() throws {
        let parsed = try DockerfileParser.parse("# syntax=x\n# first\nFROM a\n# xarch-ignore hardcoded-arch\n\nRUN b\n#\nRUN c\n")
        #expect(parsed.instructions[0].comments.map(\.text) == ["first"])
        #expect(parsed.instructions[1].comments.map(\.text) == ["xarch-ignore hardcoded-arch"])
        #expect(parsed.instructions[2].comments.isEmpty)
        #expect(parsed.comments.count == 4)
    }

    @Test func goQuoting() {
        #expect(GoQuote.quote("a\"b\\c\n\t\u{7}\u{1}\u{7F}é\u{200B}\u{1F600}\u{E0001}") == "\"a\\\"b\\\\c\\n\\t\\a\\x01\\x7fé\\u200b😀\\U000e0001\"")
        #expect(GoQuote.quoteList(["--a=b", "c d"]) == "[\"--a=b\" \"c d\"]")
    }
}
