import XArchModel

/// One unit of copy work.
enum CopyJob: Sendable {
    case blob(Descriptor)
    case manifest(CopyManifest, tag: String?)

    /// Manifests and blobs under `ImageCopy.smallBlobLimit`: the work a big blob must never hold up.
    var isSmall: Bool {
        switch self {
        case .blob(let d): return d.size < ImageCopy.smallBlobLimit
        case .manifest: return true
        }
    }
}

/// Runs the jobs of a plan in a bounded task group, each after the jobs it depends on.
///
/// Dependencies: a manifest waits for its blobs and its child manifests; the root depends on its
/// children and so, transitively, on every job, which is why it is written last and never written
/// when anything failed (the first error cancels the group).
///
/// Scheduling: the `limit` slots are shared by all jobs, and whenever a slot is free the next job is
/// taken from three queues in order: ready manifests, then small blobs (< 1 MiB: configs, attestation
/// statements, small layers) in plan order, then large blobs, largest first (so the longest transfer
/// does not start last). Every small blob is ready from the start, so all of them are started before the
/// first large one; a manifest becomes ready only when a job it waits for finishes, which frees a slot at
/// that moment, and it takes that slot first. So small requests never wait behind a big transfer, and
/// unlike a reserved small lane no slot sits idle while big blobs are pending.
struct CopyScheduler {
    private let jobs: [CopyJob]
    private let dependents: [[Int]]
    private let waitingOn: [Int]

    /// The jobs of `plan`: its blobs, then its manifests (the last one, the root, under `rootTag`; nil
    /// writes every manifest by digest, as index assembly does for the children it brings in).
    init(plan: CopyPlan, rootTag: String?) {
        var jobs = plan.blobs.map { CopyJob.blob($0) }
        var blobIndex: [Digest: Int] = [:]
        for (i, blob) in plan.blobs.enumerated() { blobIndex[blob.digest] = i }
        var manifestIndex: [Digest: Int] = [:]
        var dependents = [[Int]](repeating: [], count: plan.blobs.count + plan.manifests.count)
        var waitingOn = [Int](repeating: 0, count: dependents.count)
        for (n, manifest) in plan.manifests.enumerated() {
            let id = jobs.count
            let isRoot = n == plan.manifests.count - 1
            jobs.append(.manifest(manifest, tag: isRoot ? rootTag : nil))
            manifestIndex[manifest.descriptor.digest] = id
            let needs = Set(manifest.blobs.compactMap { blobIndex[$0] } + manifest.children.compactMap { manifestIndex[$0] })
            for dependency in needs { dependents[dependency].append(id) }
            waitingOn[id] = needs.count
        }
        self.jobs = jobs
        self.dependents = dependents
        self.waitingOn = waitingOn
    }

    /// Runs every job with `work`, at most `limit` at once, and hands each result to `finish` (called
    /// on the caller's task, one at a time). The first error cancels the jobs still running.
    func run<Outcome: Sendable>(limit: Int, work: @escaping @Sendable (CopyJob) async throws -> Outcome,
                                finish: (CopyJob, Outcome) -> Void) async throws {
        var waiting = waitingOn
        var ready = CopyReadyQueue(jobs: jobs, ready: jobs.indices.filter { waitingOn[$0] == 0 })
        var done = 0
        try await withThrowingTaskGroup(of: (Int, Outcome).self) { group in
            var running = 0
            while true {
                while running < limit, let id = ready.next() {
                    let job = jobs[id]
                    group.addTask { (id, try await work(job)) }
                    running += 1
                }
                guard let (id, outcome) = try await group.next() else { break }
                running -= 1
                done += 1
                finish(jobs[id], outcome)
                for dependent in dependents[id] {
                    waiting[dependent] -= 1
                    if waiting[dependent] == 0 { ready.add(dependent) }
                }
            }
        }
        guard done == jobs.count else {
            throw XArchError(.invalidInput, "the content graph could not be ordered: \(jobs.count - done) manifests wait for content that is never copied")
        }
    }
}

/// The ready jobs in the order `CopyScheduler` takes them: manifests, small blobs, large blobs.
struct CopyReadyQueue {
    private let jobs: [CopyJob]
    private var manifests: [Int] = []
    private var small: [Int] = []
    private var large: [Int] = []
    private var (manifestHead, smallHead, largeHead) = (0, 0, 0)

    init(jobs: [CopyJob], ready: [Int]) {
        self.jobs = jobs
        for id in ready { add(id) }
        large.sort { (-Self.size(jobs[$0]), $0) < (-Self.size(jobs[$1]), $1) }
    }

    mutating func add(_ id: Int) {
        switch jobs[id] {
        case .manifest: manifests.append(id)
        case .blob where jobs[id].isSmall: small.append(id)
        case .blob: large.append(id)
        }
    }

    mutating func next() -> Int? {
        if manifestHead < manifests.count { defer { manifestHead += 1 }; return manifests[manifestHead] }
        if smallHead < small.count { defer { smallHead += 1 }; return small[smallHead] }
        if largeHead < large.count { defer { largeHead += 1 }; return large[largeHead] }
        return nil
    }

    private static func size(_ job: CopyJob) -> Int64 {
        if case .blob(let d) = job { return d.size }
        return 0
    }
}
