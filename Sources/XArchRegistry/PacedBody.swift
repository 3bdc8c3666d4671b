import AsyncHTTPClient
import NIOCore
import XArchModel

/// A response body read under a time rule (`RegistryTimeouts`): every wait for the next piece is raced
/// against the time the rule still allows, so a registry that trickles bytes fails with a clear message
/// instead of holding the read for days. Only the time spent waiting for the registry counts, never the
/// time the consumer takes between pieces.
final class PacedBody {
    enum Rule {
        /// The body must be complete by this instant.
        case by(ContinuousClock.Instant, seconds: Double)
        /// `minimumBytes` must arrive within every `window` seconds of waiting.
        case throughput(minimumBytes: Int, window: Double)
    }

    private let box: IteratorBox
    private let rule: Rule
    private let url: String
    /// Waiting time and bytes in the current throughput window.
    private var waited: Duration = .zero
    private var bytesInWindow = 0

    init(_ iterator: HTTPClientResponse.Body.AsyncIterator, rule: Rule, url: String) {
        self.box = IteratorBox(iterator)
        self.rule = rule
        self.url = url
    }

    func next() async throws -> ByteBuffer? {
        switch rule {
        case .by(let deadline, let seconds):
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero, let piece = try await Self.race(box, within: left) else {
                throw XArchError(.tooSlow, "\(Redaction.url(url)) did not answer within \(Self.format(seconds)) s; the registry is too slow (raise \(RegistryTimeouts.requestVariable) to wait longer)")
            }
            return piece
        case .throughput(let minimumBytes, let window):
            let allowed = Duration.seconds(window) - waited
            let start = ContinuousClock.now
            guard allowed > .zero, let piece = try await Self.race(box, within: allowed) else {
                throw XArchError(.tooSlow, "\(Redaction.url(url)) sent fewer than \(minimumBytes) bytes in \(Self.format(window)) s; the registry is too slow (\(RegistryTimeouts.transferVariable)=\(minimumBytes)/\(Self.format(window)) sets the minimum rate)")
            }
            waited += start.duration(to: .now)
            bytesInWindow += piece?.readableBytes ?? 0
            if bytesInWindow >= minimumBytes {
                waited = .zero
                bytesInWindow = 0
            }
            return piece
        }
    }

    /// The next piece, or `.none` when `limit` passed first (the read is then cancelled, which closes
    /// the connection).
    private static func race(_ box: IteratorBox, within limit: Duration) async throws -> ByteBuffer?? {
        try await withThrowingTaskGroup(of: ByteBuffer??.self) { group in
            group.addTask { .some(try await box.next()) }
            group.addTask {
                try await Task.sleep(for: limit)
                return .none
            }
            defer { group.cancelAll() }
            return try await group.next() ?? .none
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// The body iterator, handed to the child task that waits on it.
///
/// `@unchecked Sendable`: one task uses it at a time — `PacedBody.next()` is not re-entered before it
/// returns (one consumer), and it returns only after its task group has waited for the child that
/// called `next()` here, even when the timer won.
private final class IteratorBox: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    init(_ iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> ByteBuffer? { try await iterator.next() }
}
