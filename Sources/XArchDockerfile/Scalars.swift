/// Character classes as Go's `unicode` package and BuildKit's regular expressions define them, so the
/// parser splits words exactly where BuildKit does.
extension Unicode.Scalar {
    /// Go's `unicode.IsSpace`: `\t \n \v \f \r`, space, U+0085, U+00A0 and the other White_Space characters.
    var isGoSpace: Bool {
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        return properties.isWhitespace
    }

    /// BuildKit's `reWhitespace`, `[\t\v\f\r ]`: the separators of instruction names and list arguments.
    var isTokenSpace: Bool {
        value == 0x20 || value == 0x09 || value == 0x0B || value == 0x0C || value == 0x0D
    }

    /// Go's `unicode.IsLetter`.
    var isGoLetter: Bool {
        if value < 0x80 { return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// Go's `unicode.IsDigit` (decimal digits of any script).
    var isGoDigit: Bool {
        if value < 0x80 { return (0x30...0x39).contains(value) }
        return properties.generalCategory == .decimalNumber
    }

    /// ASCII `0`–`9`, as `\d` in Go's regular expressions.
    var isASCIIDigit: Bool { (0x30...0x39).contains(value) }

    /// ASCII letters and digits: the boundary test of the architecture-token scanner.
    var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
    }
}

extension Collection where Element == Unicode.Scalar {
    /// The scalars as a `String`.
    var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: self)
        return String(view)
    }
}

extension String {
    /// The string's Unicode scalars as an array, the parser's working form.
    var scalars: [Unicode.Scalar] { Array(unicodeScalars) }
}
