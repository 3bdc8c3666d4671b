import Synchronization
import XArchContent
import XArchModel

/// The minimum-rate rule of a streamed upload (`RegistryTimeouts`; the counterpart of `PacedBody` for
/// downloads): at least `minimumBytes` must be taken by the registry in every `window` seconds spent
/// waiting for it, and once the body is sent the answer must come within `request` seconds.
///
/// Only the time the HTTP client waits before asking for the next piece counts (the registry not
/// reading: back-pressure), never the time xarch takes to produce it (reading the source of a copy,
/// which has its own rule). A watchdog checks the state once a second; a registry that stops reading
/// altogether never asks for the next piece, so the upload must be judged from outside the body.
final class UploadPace: Sendable {
    private struct State {
        /// When the registry took the last piece (nil while xarch produces the next one).
        var waitingSince: ContinuousClock.Instant? = .now
        /// Waiting time and bytes in the current window.
        var waited: Duration = .zero
        var bytes = 0
        /// When the last piece was handed over; nil while the body is being sent.
        var sentAt: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    let timeouts: RegistryTimeouts
    let url: String

    init(timeouts: RegistryTimeouts, url: String) {
        self.timeouts = timeouts
        self.url = url
    }

    /// `stream`, reporting to the rule as the HTTP client pulls it.
    func pacing(_ stream: ByteStream) -> ByteStream {
        ByteStream { [self] in
            let reader = PieceReader(stream.makeAsyncIterator())
            return {
                self.willProduce()
                let piece = try await reader.next()
                self.produced(piece?.count)
                return piece
            }
        }
    }

    private func willProduce() {
        state.withLock { s in
            if let since = s.waitingSince { s.waited += since.duration(to: .now) }
            s.waitingSince = nil
        }
    }

    private func produced(_ count: Int?) {
        state.withLock { s in
            guard let count else {
                s.sentAt = .now
                return
            }
            s.bytes += count
            if s.bytes >= timeouts.minimumBytes {
                s.bytes = 0
                s.waited = .zero
            }
            s.waitingSince = .now
        }
    }

    /// The error the upload fails with now, or nil while it keeps to the rule.
    func violation() -> XArchError? {
        state.withLock { s in
            let now = ContinuousClock.now
            if let sentAt = s.sentAt {
                guard sentAt.duration(to: now) > .seconds(timeouts.request) else { return nil }
                return XArchError(.tooSlow, "\(Redaction.url(url)) did not answer within \(PacedBody.format(timeouts.request)) s after the upload; the registry is too slow (raise \(RegistryTimeouts.requestVariable) to wait longer)")
            }
            let waited = s.waited + (s.waitingSince.map { $0.duration(to: now) } ?? .zero)
            guard waited > .seconds(timeouts.window) else { return nil }
            return XArchError(.tooSlow, "\(Redaction.url(url)) took fewer than \(timeouts.minimumBytes) bytes of the upload in \(PacedBody.format(timeouts.window)) s; the registry is too slow (\(RegistryTimeouts.transferVariable)=\(timeouts.minimumBytes)/\(PacedBody.format(timeouts.window)) sets the minimum rate)")
        }
    }

    /// Runs `upload`, failing it with `violation()` as soon as the rule is broken (checked every
    /// second, or every tenth of the window when that is shorter).
    func enforce<T: Sendable>(_ upload: @escaping @Sendable () async throws -> T) async throws -> T {
        let tick = Duration.seconds(min(1, timeouts.window / 10, timeouts.request / 10))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await upload() }
            group.addTask {
                while true {
                    try await Task.sleep(for: tick)
                    if let error = self.violation() { throw error }
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw CancellationError()
        }
    }
}

/// The iterator of the paced body, owned by the one iteration that made it.
private final class PieceReader {
    private var iterator: ByteStream.AsyncIterator

    init(_ iterator: ByteStream.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> [UInt8]? { try await iterator.next() }
}
