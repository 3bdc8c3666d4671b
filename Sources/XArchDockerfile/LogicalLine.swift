/// One instruction's text after continuation lines were joined, with the source position of every
/// character, so words cut out of it keep their line and column.
struct LogicalLine {
    var scalars: [Unicode.Scalar] = []
    var positions: [SourcePosition] = []
    /// The position just after the last character (for words that are empty or synthesized at the end).
    var endPosition = SourcePosition(line: 1, column: 1)

    mutating func append(_ text: ArraySlice<Unicode.Scalar>, line: Int, firstColumn: Int) {
        var column = firstColumn
        for scalar in text {
            scalars.append(scalar)
            positions.append(SourcePosition(line: line, column: column))
            column += 1
        }
        endPosition = SourcePosition(line: line, column: column)
    }

    /// The position of the character at `index`, or the end position past the last one.
    func position(_ index: Int) -> SourcePosition {
        index < positions.count ? positions[index] : endPosition
    }

    func text(_ range: Range<Int>) -> String { scalars[range].string }

    func word(_ range: Range<Int>) -> Word { Word(text(range), at: position(range.lowerBound)) }

    /// `range` without leading and trailing Go white space (`strings.TrimSpace`).
    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, scalars[lower].isGoSpace { lower += 1 }
        while upper > lower, scalars[upper - 1].isGoSpace { upper -= 1 }
        return lower..<upper
    }

    /// Whether `range` contains `<<` (BuildKit only looks for heredocs then).
    func containsHeredocMarker(_ range: Range<Int>) -> Bool {
        var previousWasLess = false
        for i in range {
            let isLess = scalars[i] == "<"
            if isLess && previousWasLess { return true }
            previousWasLess = isLess
        }
        return false
    }
}
