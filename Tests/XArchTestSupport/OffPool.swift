import Foundation

/// CPU-bound test work on a thread of its own. Swift Testing runs tests as tasks of the cooperative
/// pool, which has one thread per core (two here): a test that computes for a minute on one of them
/// starves every other test's tasks — registry requests then miss their deadlines.
public enum OffPool {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
