import Foundation
import Testing
import XArchDockerfile
import XArchTestSupport

/// A generated corpus for the parser, the linter and word expansion (issue 18, "done when"): Dockerfiles
/// and words built at random from the pieces that broke parsers before (continuations, here-documents,
/// escape directives, quotes, `${…}` patterns, flags, control characters), from a fixed seed so a
/// failure repeats. Every input must end — parsed, linted, or refused with an error — within its time;
/// a trap ends the whole test process. Bounded: a fixed number of inputs, and a time limit.
@Suite(.timeLimit(.minutes(2)))
struct GeneratedCorpusTests {
    static let lineStarts = ["FROM ", "FROM --platform=$BUILDPLATFORM ", "RUN ", "RUN <<EOF\n", "COPY ", "COPY --from=", "ADD ",
                             "ARG ", "ENV ", "WORKDIR ", "USER ", "LABEL ", "CMD [", "ENTRYPOINT [\"", "ONBUILD ", "HEALTHCHECK ",
                             "SHELL [", "# syntax=", "# escape=`\n", "# check=", "EXPOSE ", "VOLUME ", "STOPSIGNAL ", "MAINTAINER ",
                             "  ", "\t", "#", "EOF\n"]
    static let pieces = ["alpine", "AS build", "${TARGETARCH}", "$VAR", "${a:-b}", "${a#*x*y}", "${a%%/*}", "${a/x/y}", "${a:+z}",
                         "${", "}", "\\\n", "\\", "`\n", "\"", "'", "[", "]", ",", "=", "--mount=type=cache,target=/x", "--chown=1:2",
                         "<<-EOT", "EOT", "&&", "|", ";", "*", "**/", "?", "../", "/", " ", "  ", "\t", "\u{1b}]0;x\u{7}", "\u{0}",
                         "\u{feff}", "é", "x86_64", "arm64", "https://example.com/x86_64/tool.tar.gz", "curl -o f", "apt-get install -y x"]

    static func dockerfile(_ g: inout SeededGenerator) -> String {
        // Mostly well-formed files with hostile pieces inside, some with anything at all.
        var text = Int.random(in: 0..<10, using: &g) < 8 ? "FROM alpine\n" : ""
        for _ in 0..<Int.random(in: 1...12, using: &g) {
            text += lineStarts.randomElement(using: &g)!
            for _ in 0..<Int.random(in: 0...4, using: &g) { text += pieces.randomElement(using: &g)! }
            if Int.random(in: 0..<10, using: &g) < 8 { text += "\n" }
        }
        return text
    }

    static func word(_ g: inout SeededGenerator) -> String {
        let alphabet = Array("$${}#%/:-+?*ab\\'\"x ").map(String.init) + ["${a}", "${b#*a}", "${a/*/x}", "${a:-${b}}"]
        return (0..<Int.random(in: 0...24, using: &g)).map { _ in alphabet.randomElement(using: &g)! }.joined()
    }

    /// The slowest of `inputs` run through `body`, in seconds.
    static func slowest<T>(_ inputs: [T], _ body: (T) -> Void) -> Double {
        var worst = 0.0
        for input in inputs {
            let start = ContinuousClock.now
            body(input)
            let took = start.duration(to: .now)
            worst = max(worst, Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
        }
        return worst
    }

    @Test func dockerfilesParseLintOrFailAndNeverHang() async {
        let (parsed, refused, worst, count) = await OffPool.run {
            var g = SeededGenerator(seed: 18)
            let inputs = (0..<2000).map { _ in Self.dockerfile(&g) }
            var parsed = 0, refused = 0
            let worst = Self.slowest(inputs) { text in
                do {
                    let stages = try DockerfileStages(parsing: text)
                    _ = Linter().lint(stages)
                    parsed += 1
                } catch {
                    refused += 1
                }
            }
            return (parsed, refused, worst, inputs.count)
        }
        #expect(parsed + refused == count)
        #expect(parsed > 50, "the corpus also reaches the linter: \(parsed) parsed, \(refused) refused")
        #expect(refused > 50, "the corpus also reaches the errors: \(parsed) parsed, \(refused) refused")
        // Generous (the suite may be loaded); the exponential cases took 20 s and more.
        #expect(worst < 5, "the slowest input took \(worst) s")
    }

    @Test func wordsExpandOrFailAndNeverHang() async {
        let worst = await OffPool.run {
            var g = SeededGenerator(seed: 1800)
            let inputs = (0..<20_000).map { _ in Self.word(&g) }
            let environment = ["a": String(repeating: "ab", count: 40), "b": "a*b"]
            let expander = WordExpander()
            return Self.slowest(inputs) { word in _ = try? expander.expand(word, environment) }
        }
        #expect(worst < 5, "the slowest word took \(worst) s")
    }
}
