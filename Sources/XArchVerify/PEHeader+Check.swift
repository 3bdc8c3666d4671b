import XArchModel

extension PEHeader {
    /// The mismatch of this PE image with a Windows `platform`, or nil when it runs there. x86 and
    /// x64 programs on arm64 (emulated) and x86 on amd64 (WOW64) are `compatibleArchitecture`;
    /// .NET assemblies marked i386 are AnyCPU and run everywhere.
    public func check(for platform: Platform) -> ELFArchitecture.Mismatch? {
        let arch = platform.normalized.architecture
        let native: Set<UInt16>, emulated: Set<UInt16>
        switch arch {
        case "amd64": (native, emulated) = ([Self.amd64], [Self.i386])
        case "arm64": (native, emulated) = ([Self.arm64, Self.arm64ec, Self.arm64x], [Self.i386, Self.amd64])
        case "386": (native, emulated) = ([Self.i386], [])
        case "arm": (native, emulated) = ([Self.armnt], [])
        default: return nil
        }
        if native.contains(machine) || (isDotNet && machine == Self.i386) { return nil }
        if emulated.contains(machine) {
            return .init(kind: .compatibleArchitecture, detail: "a \(machineName) program: it runs on \(arch) Windows only through \(arch == "amd64" ? "WOW64" : "emulation")")
        }
        return .init(kind: .wrongArchitecture, detail: "built for \(machineName)")
    }
}
