import Testing
@testable import XArchVerify

@Suite("PE headers")
struct PETests {
    /// A minimal PE32+ image header: MZ stub, `PE\0\0`, COFF header, optional header with 16 directories.
    static func pe(machine: UInt16, dotNet: Bool = false, lfanew: UInt32 = 0x80) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 1024)
        b[0] = 0x4d; b[1] = 0x5a
        func put(_ o: Int, _ v: UInt64, _ n: Int) { for i in 0..<n { b[o + i] = UInt8((v >> (8 * UInt64(i))) & 0xff) } }
        put(0x3c, UInt64(lfanew), 4)
        let pe = Int(lfanew)
        if pe + 400 > b.count { b += [UInt8](repeating: 0, count: pe + 400 - b.count) }
        b[pe] = 0x50; b[pe + 1] = 0x45
        put(pe + 4, UInt64(machine), 2)
        put(pe + 20, 240, 2)  // SizeOfOptionalHeader (PE32+)
        put(pe + 22, 0x22, 2)
        put(pe + 24, 0x20b, 2)
        put(pe + 24 + 108, 16, 4)
        if dotNet { put(pe + 24 + 112 + 14 * 8, 0x2000, 4) }
        return b
    }

    @Test func machinesAreRead() {
        for m in [PEHeader.amd64, PEHeader.arm64, PEHeader.i386] {
            guard case .pe(let h) = PEHeader.parse(prefix: Self.pe(machine: m), fileSize: 1024) else { Issue.record("\(m)"); continue }
            #expect(h.machine == m && !h.isDotNet)
        }
        guard case .pe(let net) = PEHeader.parse(prefix: Self.pe(machine: PEHeader.i386, dotNet: true), fileSize: 1024) else {
            Issue.record("the .NET i386 header is not read as PE"); return
        }
        #expect(net.isDotNet && net.check(for: .init(os: "windows", architecture: "arm64")) == nil)
    }

    @Test func badHeadersAreFindingsOrNotPE() {
        #expect(PEHeader.parse(prefix: Array("MZ but a DOS program".utf8), fileSize: 20) == .notPE)
        var far = Self.pe(machine: PEHeader.amd64)
        far[0x3f] = 0x70  // e_lfanew = 0x70000080, far past the file
        #expect(PEHeader.parse(prefix: far, fileSize: 1024) == .notPE)
        if case .malformed = PEHeader.parse(prefix: Array(Self.pe(machine: PEHeader.amd64, lfanew: 1000).prefix(600)), fileSize: 1010) {} else {
            Issue.record("a header cut by the end of the file is malformed")
        }
    }
}
