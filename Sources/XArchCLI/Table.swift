import Foundation

/// Aligned plain-text tables for human output.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The rendered lines; `styleHeader` decorates the header line (bold on a terminal).
    func render(styleHeader: (String) -> String = { $0 }) -> [String] {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = Swift.max(widths[i], Self.visibleWidth(cell))
            }
        }
        func line(_ row: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in row.enumerated() {
                let isLast = i == row.count - 1
                let pad = String(repeating: " ", count: Swift.max(0, widths[i] - Self.visibleWidth(cell)))
                parts.append(isLast ? cell : cell + pad)
            }
            return parts.joined(separator: "  ")
        }
        return [styleHeader(line(header))] + rows.map(line)
    }

    /// Width on screen: characters, not counting ANSI escape sequences.
    static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for ch in text.unicodeScalars {
            if inEscape { if ch == "m" { inEscape = false }; continue }
            if ch == "\u{1B}" { inEscape = true; continue }
            width += 1
        }
        return width
    }
}
