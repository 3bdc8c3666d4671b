import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The CPU budget for compression: at most `limit` blocks are compressed at the same time, whatever
/// the number of layers being written. One budget serves every layer of a build (one limiter sized by
/// `--jobs` and the cores, not a thread pool per layer); jobs run first in, first out.
///
/// Work runs on threads of its own (at most `limit`, started when jobs wait and ending when none is
/// left), never on Swift's cooperative thread pool nor on dispatch's global pool — on Linux, dispatch
/// ran only one worker for a concurrent queue while the cooperative pool was busy, which left a core
/// idle. A job is pure CPU work (it never waits); the callers that wait for it wait on threads of their own.
public final class CompressionBudget: Sendable {
    /// Blocks compressed at the same time, at most.
    public let limit: Int
    private let state = Mutex<State>(State())

    private struct State {
        var jobs: [(@Sendable () -> Void)?] = []
        var next = 0
        var running = 0
    }

    /// A budget of `limit` (at least 1) concurrent jobs.
    public init(limit: Int) {
        self.limit = Swift.max(1, limit)
    }

    /// A budget for `jobs` parallel tasks on this machine: no more than there are cores.
    public static func sized(jobs: Int) -> CompressionBudget {
        CompressionBudget(limit: Swift.min(jobs, processorCount))
    }

    /// The budget of callers that bring none: one job per core.
    public static let shared = CompressionBudget(limit: processorCount)

    /// Cores this process may use.
    public static var processorCount: Int {
        #if canImport(Glibc) || canImport(Musl)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }

    /// Runs `job` when the budget allows, on the budget's own threads.
    func run(_ job: @escaping @Sendable () -> Void) {
        let startsRunner = state.withLock { state -> Bool in
            state.jobs.append(job)
            guard state.running < limit else { return false }
            state.running += 1
            return true
        }
        if startsRunner { Self.startThread { self.drain() } }
    }

    /// One runner: takes jobs until none is waiting, then leaves (so an idle budget holds no thread).
    private func drain() {
        while let job = state.withLock({ state -> (@Sendable () -> Void)? in
            guard state.next < state.jobs.count else {
                state.jobs.removeAll(keepingCapacity: true)
                state.next = 0
                state.running -= 1
                return nil
            }
            let job = state.jobs[state.next]
            state.jobs[state.next] = nil  // the job's input is freed when the job is done
            state.next += 1
            if state.next >= 256 {
                state.jobs.removeFirst(state.next)
                state.next = 0
            }
            return job
        }) {
            job()
        }
    }

    /// Runs `body` on a new detached thread (POSIX threads: this module does not use Foundation).
    private static func startThread(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if status == 0 {
            pthread_detach(thread)
        } else {
            // No thread to be had: run the job here rather than lose it (the caller's own thread).
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
        }
    }
}
