import Testing
import XArchModel

/// Runs `body`, requires it to throw an `XArchError` with `code` whose message contains every
/// fragment (case-sensitive), and returns the error for further checks.
@discardableResult
public func expectXArchError(
    _ code: XArchError.Code, containing fragments: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> XArchError? {
    do {
        try body()
        Issue.record("expected an XArchError \(code), nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as XArchError {
        #expect(error.code == code, "message: \(error.message)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\"\(error.message)\" lacks \"\(fragment)\"",
                    sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected an XArchError \(code), got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
