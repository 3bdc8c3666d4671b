import XArchModel

/// The judgement of `xarch audit`, pure: each workload against the nodes it can land on (`Scheduling`),
/// each of its images resolved for each of those nodes' platforms with containerd's matcher
/// (`ImagePlatforms.selection`, as `xarch resolve` does: an arm64 node runs an arm/v7 image).
public enum AuditEvaluation {
    /// The report for `workloads` on `nodes`, given what each image reference (as written) looked up to.
    public static func evaluate(_ workloads: [Workload], nodes: [ClusterNode], images: [String: ImageLookup]) -> AuditReport {
        var findings: [AuditFinding] = []
        var summaries: [AuditWorkload] = []
        var patches: [AffinityPatch] = []
        for workload in workloads {
            let landing = nodes.filter { workload.scheduling.admits($0) }
            var running = landing
            if landing.isEmpty { findings.append(unschedulable(workload, nodes: nodes)) }
            var judged: [(Workload.Container, ImagePlatforms, Verdict)] = []
            for container in workload.containers where !landing.isEmpty {
                guard let image = container.image else {
                    let why = workload.isComposeService ? "(only `build:`): it is built on the host that runs it" : "(no `image:` field)"
                    findings.append(finding(.notCheckable, workload, container, message: "has no image to check \(why)"))
                    continue
                }
                switch images[image] ?? .unknown("it was not looked up") {
                case .unknown(let reason), .unreachable(let reason):
                    findings.append(finding(.unknownImage, workload, container, message: "cannot be looked up: \(reason)"))
                case .found(let offered):
                    let verdict = Verdict(offered, workload: workload, nodes: landing)
                    running.removeAll { verdict.failing.contains($0) }
                    judged.append((container, offered, verdict))
                }
            }
            let patch = AffinityPatch(workload, landing: landing, running: running)
            if let patch, judged.contains(where: { !$0.2.missing.isEmpty }) { patches.append(patch) }
            for (container, offered, verdict) in judged where !verdict.missing.isEmpty {
                findings.append(missing(workload, container, offered, verdict, patch: patch))
            }
            summaries.append(AuditWorkload(file: workload.file, line: workload.line, kind: workload.kind,
                                           namespace: workload.namespace, name: workload.name,
                                           images: workload.containers.compactMap(\.image),
                                           landsOn: distinctPlatforms(landing), runsOn: distinctPlatforms(running)))
        }
        let auditImages = images.sorted { $0.key < $1.key }.map { AuditImage(reference: $0.key, lookup: $0.value) }
        // Files in the order they were read, findings by position in each.
        var order: [String: Int] = [:]
        for workload in workloads where order[workload.file] == nil { order[workload.file] = order.count }
        findings.sort { (order[$0.file] ?? 0, $0.line, $0.column, $0.rule) < (order[$1.file] ?? 0, $1.line, $1.column, $1.rule) }
        return AuditReport(findings: findings, images: auditImages, workloads: summaries,
                           nodes: nodes.map { AuditNode(name: $0.name, platform: $0.platform.formatted) }, patches: patches)
    }

    /// One image judged on the nodes a workload can land on.
    struct Verdict {
        /// Requested platform → the digest a node of it pulls.
        var resolved: [String: String] = [:]
        /// Requested platforms nothing matches, in node order.
        var missing: [String] = []
        /// The nodes that cannot run the image.
        var failing: [ClusterNode] = []

        init(_ offered: ImagePlatforms, workload: Workload, nodes: [ClusterNode]) {
            var chosen: [Platform: String?] = [:]
            for node in nodes {
                // A compose service with `platform:` pulls that platform wherever it runs.
                let requested = (workload.scheduling.platform ?? node.platform).normalized
                if chosen[requested] == nil {
                    let digest = offered.selection(for: requested).chosen?.descriptor.digest.description
                    chosen[requested] = .some(digest)
                    if let digest { resolved[requested.formatted] = digest } else { missing.append(requested.formatted) }
                }
                if chosen[requested] == .some(nil) { failing.append(node) }
            }
        }
    }

    static func missing(_ workload: Workload, _ container: Workload.Container, _ offered: ImagePlatforms,
                        _ verdict: Verdict, patch: AffinityPatch?) -> AuditFinding {
        let image = container.image ?? ""
        let has = offered.platforms.map(\.formatted)
        let named = verdict.failing.allSatisfy(\.labelsComplete)
        let lacks = verdict.missing.map { platform in
            let nodes = verdict.failing.filter { ($0.platform.formatted == platform || workload.scheduling.platform != nil) }
            return named ? "\(platform) (\(nodeList(nodes.map(\.name))))" : platform
        }
        let offers = "it has " + (has.isEmpty ? "no platforms" : has.joined(separator: ", "))
        let message = workload.scheduling.platform == nil
            ? "no image for \(lacks.joined(separator: ", ")), where it can be scheduled; \(offers)"
            : "no image for \(verdict.missing[0]), the platform the service asks for; \(offers)"
        let publish = "publish \(image) for \(verdict.missing.joined(separator: ", ")) too (a multi-platform image)"
        let fix: String
        if let patch, !workload.isComposeService {
            fix = "Restrict \(workload.kind) \(workload.name) to \(patch.summary) with a required nodeAffinity (`xarch audit --fix` prints it), or \(publish)"
        } else {
            fix = publish.prefix(1).uppercased() + publish.dropFirst()
        }
        var result = finding(.missingPlatform, workload, container, message: message, fix: fix)
        result.resolved = verdict.resolved
        result.missing = verdict.missing
        result.available = has
        result.nodes = named ? verdict.failing.map(\.name) : nil
        return result
    }

    static func unschedulable(_ workload: Workload, nodes: [ClusterNode]) -> AuditFinding {
        let platforms = distinctPlatforms(nodes).joined(separator: ", ")
        let message: String
        if let platform = workload.scheduling.platform {
            message = "asks for platform \(platform.formatted), which no node runs (nodes: \(platforms)): it would run under emulation or not at all"
        } else {
            message = "can be scheduled on none of the nodes (\(platforms)): its nodeSelector, required nodeAffinity or tolerations match none, so it would stay Pending"
        }
        return AuditFinding(rule: AuditRule.unschedulable.id, severity: AuditRule.unschedulable.severity, file: workload.file,
                            line: workload.line, column: 1, kind: workload.kind, namespace: workload.namespace, name: workload.name,
                            container: nil, image: nil, resolved: [:], missing: [], available: [], nodes: nil, message: message)
    }

    static func finding(_ rule: AuditRule, _ workload: Workload, _ container: Workload.Container, message: String,
                        fix: String? = nil) -> AuditFinding {
        AuditFinding(rule: rule.id, severity: rule.severity, file: workload.file, line: container.line, column: container.column,
                     kind: workload.kind, namespace: workload.namespace, name: workload.name, container: container.name,
                     image: container.image, resolved: [:], missing: [], available: [], nodes: nil, message: message, fix: fix)
    }

    /// The distinct platforms of `nodes`, in node order.
    static func distinctPlatforms(_ nodes: [ClusterNode]) -> [String] {
        var seen = Set<String>()
        return nodes.map(\.platform.formatted).filter { seen.insert($0).inserted }
    }

    /// `1 node: a`, `3 nodes: a, b, c`, `7 nodes: a, b, c, …`.
    static func nodeList(_ names: [String]) -> String {
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
        return "\(names.count) node\(names.count == 1 ? "" : "s"): \(shown)"
    }
}
