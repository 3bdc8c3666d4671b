import Testing
import XArchModel
@testable import XArchDockerfile

/// `${VAR#pattern}` and friends match in linear time, with the same results as the leftmost-first
/// backtracking they replace (kept here as the oracle).
@Suite struct ShellPatternTests {
    /// The former backtracking matcher: exponential on `*a*a*a*b`, exact on small inputs.
    static func oracle(_ elements: [ShellPattern.Element], greedy: Bool, _ s: [Unicode.Scalar], _ e: Int, _ i: Int) -> Int? {
        guard e < elements.count else { return i }
        switch elements[e] {
        case .literal(let c):
            guard i < s.count, s[i] == c else { return nil }
            return oracle(elements, greedy: greedy, s, e + 1, i + 1)
        case .any:
            guard i < s.count, s[i] != "\n" else { return nil }
            return oracle(elements, greedy: greedy, s, e + 1, i + 1)
        case .star:
            var limit = i
            while limit < s.count, s[limit] != "\n" { limit += 1 }
            let ends = greedy ? Array(stride(from: limit, through: i, by: -1)) : Array(i...limit)
            for end in ends { if let found = oracle(elements, greedy: greedy, s, e + 1, end) { return found } }
            return nil
        }
    }

    @Test func sameEndsAsTheBacktrackingMatcherOnRandomInputs() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["a", "b", "\n"], patternAlphabet: [Unicode.Scalar] = ["a", "b", "*", "?"]
        for _ in 0..<3000 {
            let subject = (0..<Int.random(in: 0...9, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let pattern = (0..<Int.random(in: 0...6, using: &generator)).map { _ in patternAlphabet.randomElement(using: &generator)! }
            for greedy in [false, true] {
                let compiled = try ShellPattern(pattern, greedy: greedy)
                for start in 0...subject.count {
                    let expected = Self.oracle(compiled.elements, greedy: greedy, subject, 0, start)
                    #expect(compiled.match(subject, at: start) == expected,
                            "pattern \(String(String.UnicodeScalarView(pattern))) on \(String(String.UnicodeScalarView(subject))) at \(start), greedy \(greedy)")
                }
            }
        }
    }

    /// Patterns that took seconds (four stars: 21 s) finish at once.
    @Test(.timeLimit(.minutes(1))) func manyStarsAreLinear() throws {
        let lexer = ShellLexer()
        let value = String(repeating: "a", count: 2000)
        let environment = ShellEnvironment(["a": value])
        #expect(try lexer.expandWord("${a#*a*a*a*a*a*a*b}", environment: environment) == value)
        #expect(try lexer.expandWord("${a##*a*a*a*a*a*a*a}", environment: environment) == "")
        #expect(try lexer.expandWord("${a//*a*a*a*b/x}", environment: environment) == value)
    }

    /// A value that doubles with every `ARG a=${a}${a}` is refused once it passes 1 MiB.
    @Test func expansionsAreCapped() throws {
        let lexer = ShellLexer()
        var value = "x"
        var refused = false
        for _ in 0..<40 {
            do {
                value = try lexer.expandWord("${a}${a}", environment: ShellEnvironment(["a": value]))
            } catch let error as XArchError {
                #expect(error.code == .tooLarge && error.message.contains("more than the 1 MiB"), "\(error.message)")
                refused = true
                break
            }
        }
        #expect(refused && value.utf8.count <= ShellLexer.maximumExpansion)
    }
}
