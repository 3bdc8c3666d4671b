import Testing
import XArchModel
@testable import XArchDockerfile

/// Word expansion, as the Dockerfile reference ("Environment replacement") and BuildKit's lexer define it.
@Suite struct ShellLexerTests {
    static let environment = ShellEnvironment(["NAME": "value", "EMPTY": "", "PATHY": "/usr/local/bin/tool.tar.gz",
                                               "SPACED": "a  b", "PLAT": "linux/arm/v7"])

    static let expansions: [(String, String)] = [
        ("plain", "plain"), ("$NAME", "value"), ("${NAME}", "value"), ("x${NAME}y", "xvaluey"),
        ("$UNSET", ""), ("${UNSET:-dflt}", "dflt"), ("${EMPTY:-dflt}", "dflt"), ("${EMPTY-dflt}", ""),
        ("${UNSET-dflt}", "dflt"), ("${NAME:-dflt}", "value"), ("${NAME:+alt}", "alt"), ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"), ("${UNSET+alt}", ""), ("${UNSET:-$NAME}", "value"), ("${UNSET:-${EMPTY:-deep}}", "deep"),
        ("${PATHY#*/}", "usr/local/bin/tool.tar.gz"), ("${PATHY##*/}", "tool.tar.gz"), ("${PATHY%.*}", "/usr/local/bin/tool.tar"),
        ("${PATHY%%.*}", "/usr/local/bin/tool"), ("${PLAT#linux/}", "arm/v7"), ("${PLAT%/*}", "linux/arm"),
        ("${PLAT##*/}", "v7"), ("${PLAT/arm/ARM}", "linux/ARM/v7"), ("${PLAT//\\//-}", "linux-arm-v7"),
        ("${PATHY#\\*}", "/usr/local/bin/tool.tar.gz"), ("${NAME/?a/X}", "Xlue"),
        ("'$NAME'", "$NAME"), ("\"$NAME\"", "value"), ("\\$NAME", "$NAME"), ("\"a\\\"b\"", "a\"b"), ("\"a\\nb\"", "a\\nb"),
        ("a\\ b", "a b"), ("$", "$"), ("$1x", "x"), ("${NAME}$", "value$"), ("trailing\\", "trailing"),
    ]

    @Test(arguments: expansions)
    func expands(_ input: String, _ expected: String) throws {
        #expect(try ShellLexer().expandWord(input, environment: Self.environment) == expected)
    }

    static let splits: [(String, [String])] = [
        ("a b  c", ["a", "b", "c"]), ("\"a b\" c", ["a b", "c"]), ("$SPACED", ["a", "b"]), ("\"$SPACED\"", ["a  b"]),
        ("a\\ b", ["a b"]), ("'' x", ["x"]), ("x<<  EOF y", ["x<<  EOF", "y"]),
    ]

    @Test(arguments: splits)
    func splitsWords(_ input: String, _ expected: [String]) throws {
        #expect(try ShellLexer().words(input, environment: Self.environment) == expected)
    }

    static let errors: [(String, String)] = [
        ("${", "syntax error: missing '}'"), ("${}", "syntax error: bad substitution"), ("${:x}", "syntax error: bad substitution"),
        ("${NAME:x}", "unsupported modifier (:x) in substitution"), ("${NAME:#x}", "unsupported modifier (:#) in substitution"),
        ("${UNSET?must be set}", "UNSET: must be set"), ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
        ("${UNSET:?}", "UNSET: is not allowed to be unset"), ("'open", "unexpected end of statement while looking for matching single-quote"),
        ("\"open", "unexpected end of statement while looking for matching double-quote"),
        ("${NAME:-x", "syntax error: missing '}'"), ("${NAME#\\x}", "invalid pattern (\\x) in substitution: invalid escape '\\x'"),
    ]

    @Test(arguments: errors)
    func rejects(_ input: String, _ message: String) {
        #expect {
            try ShellLexer().expandWord(input, environment: Self.environment)
        } throws: { error in
            (error as? XArchError)?.message == "failed to process \(GoQuote.quote(input)): \(message)"
        }
    }

    @Test func reportsMatchedAndUnmatched() throws {
        let expansion = try ShellLexer().expand("$NAME ${UNSET:-x} '$QUOTED' $EMPTY", environment: Self.environment)
        #expect(expansion.matched == ["NAME", "EMPTY"])
        #expect(expansion.unmatched == ["UNSET"])
    }

    @Test func skipsUnsetAndKeepsRawForms() throws {
        var lexer = ShellLexer()
        lexer.skipUnsetEnvironment = true
        lexer.rawQuotes = true
        lexer.rawEscapes = true
        #expect(try lexer.expandWord("$UNSET ${UNSET:-d} '$NAME' \\x ${UNSET//a/b}", environment: Self.environment)
            == "$UNSET ${UNSET:-d} '$NAME' \\x ${UNSET/a/b}")
    }

    @Test func backtickEscape() throws {
        #expect(try ShellLexer(escapeToken: "`").expandWord("c:\\dir `$NAME", environment: Self.environment) == "c:\\dir $NAME")
    }
}
