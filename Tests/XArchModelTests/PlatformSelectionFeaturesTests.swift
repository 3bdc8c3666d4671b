import Testing
import XArchModel

/// containerd/platforms `TestCompareOSFeatures`: among entries a host accepts with the same preference,
/// the one declaring more `os.features` (all of which the host has) is pulled, then index order.
@Suite struct PlatformSelectionFeaturesTests {
    static func entry(_ position: Int, _ features: [String], os: String = "linux") -> IndexEntries.Entry {
        var d = Descriptor(mediaType: .ociManifest, bytes: Array("entry \(position) \(features)".utf8))
        d.platform = Platform(os: os, architecture: "amd64", osFeatures: features)
        return IndexEntries.Entry(position: position, descriptor: d)
    }

    static func order(host features: [String], candidates: [[String]]) -> [[String]] {
        let host = Platform(os: "linux", architecture: "amd64", osFeatures: features)
        let entries = candidates.enumerated().map { entry($0.offset, $0.element) }
        let selection = PlatformSelection(entries: entries, requested: host, matcher: .only(host))
        return selection.ranked.map { $0.platform?.osFeatures ?? [] }
    }

    @Test(arguments: [
        // host features, entries in index order, expected order of the accepted ones
        ([] as [String], [["f1"], [], ["f2"]], [[]] as [[String]]),
        (["f1", "f2"], [[], ["f2"], ["f1"], ["f1", "f2"]], [["f1", "f2"], ["f2"], ["f1"], []]),
        (["f1", "f2"], [["f1", "f2"], ["f1"], ["f2"], []], [["f1", "f2"], ["f1"], ["f2"], []]),
        (["f1"], [[], ["f1"], ["f1", "f3"]], [["f1"], []]),
        (["f1", "f2", "f3"], [["f3"], ["f1", "f2"], ["f2"]], [["f1", "f2"], ["f3"], ["f2"]]),
    ])
    func moreFeaturesTheHostHasComeFirst(host: [String], candidates: [[String]], expected: [[String]]) {
        #expect(Self.order(host: host, candidates: candidates) == expected)
    }

    @Test func preferenceStillComesBeforeFeatures() {
        // On an amd64 host with 386 as its fallback, a plain amd64 entry beats a 386 entry with features.
        let host = Platform(os: "linux", architecture: "amd64", osFeatures: ["f1"])
        var i386 = Self.entry(0, ["f1"])
        var d = i386.descriptor
        d.platform = Platform(os: "linux", architecture: "386", osFeatures: ["f1"])
        i386 = IndexEntries.Entry(position: 0, descriptor: d)
        let selection = PlatformSelection(entries: [i386, Self.entry(1, [])], requested: host,
                                          matcher: .ordered(host, Platform(os: "linux", architecture: "386", osFeatures: ["f1"])))
        #expect(selection.chosen?.position == 1)
    }
}
