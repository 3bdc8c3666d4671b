import Testing
@testable import XArchModel

/// Realistic `/proc/cpuinfo` samples (first processors only, some fields shortened).
enum HostCPUInfoSamples {
    /// Intel Xeon Platinum (Skylake-SP, AWS c5), two processors: x86-64-v4.
    static let xeonSkylakeAVX512 = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        model\t\t: 85
        model name\t: Intel(R) Xeon(R) Platinum 8124M CPU @ 3.00GHz
        flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single pti fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid mpx avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves ida arat pku ospke
        bugs\t\t: cpu_meltdown spectre_v1 spectre_v2 spec_store_bypass l1tf mds swapgs taa itlb_multihit mmio_stale_data retbleed gds
        bogomips\t: 5999.99

        processor\t: 1
        vendor_id\t: GenuineIntel
        model name\t: Intel(R) Xeon(R) Platinum 8124M CPU @ 3.00GHz
        flags\t\t: fpu vme de pse tsc
        """

    /// AMD EPYC 7R32 (Zen 2): AVX2 but no AVX-512, x86-64-v3.
    static let epycZen2 = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        model name\t: AMD EPYC 7R32
        flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf tsc_known_freq pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch topoext ssbd ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 clzero xsaveerptr rdpru wbnoinvd arat npt nrip_save rdpid
        """

    /// Intel Xeon X5650 (Westmere): SSE4.2 and POPCNT but no AVX, x86-64-v2.
    static let xeonWestmere = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        model name\t: Intel(R) Xeon(R) CPU           X5650  @ 2.67GHz
        flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 cx16 xtpr pdcm pcid dca sse4_1 sse4_2 popcnt aes lahf_lm epb pti ssbd ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid dtherm ida arat flush_l1d
        vmx flags\t: vnmi preemption_timer invvpid ept_x_only flexpriority tsc_offset vtpr mtf vapic ept vpid
        """

    /// QEMU's default `qemu64` CPU: the amd64 baseline only, x86-64-v1.
    static let qemu64 = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        model name\t: QEMU Virtual CPU version 2.5+
        flags\t\t: fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 syscall nx lm rep_good nopl xtopology cpuid tsc_known_freq pni cx16 x2apic hypervisor lahf_lm cmp_legacy 3dnowprefetch vmmcall
        """

    /// Raspberry Pi 3 Model B with a 32-bit OS (`uname -m`: armv7l).
    static let raspberryPi3 = """
        processor\t: 0
        model name\t: ARMv7 Processor rev 4 (v7l)
        BogoMIPS\t: 38.40
        Features\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32
        CPU implementer\t: 0x41
        CPU architecture: 7
        CPU variant\t: 0x0
        CPU part\t: 0xd03
        CPU revision\t: 4

        Hardware\t: BCM2835
        Revision\t: a02082
        Model\t\t: Raspberry Pi 3 Model B Rev 1.2
        """

    /// Raspberry Pi Zero W (ARM1176, ARMv6) whose kernel reports architecture 7
    /// (`uname -m`: armv6l).
    static let raspberryPiZero = """
        processor\t: 0
        model name\t: ARMv6-compatible processor rev 7 (v6l)
        BogoMIPS\t: 997.08
        Features\t: half thumb fastmult vfp edsp java tls
        CPU implementer\t: 0x41
        CPU architecture: 7
        CPU variant\t: 0x0
        CPU part\t: 0xb76
        CPU revision\t: 7

        Hardware\t: BCM2835
        Model\t\t: Raspberry Pi Zero W Rev 1.1
        """

    /// AWS Graviton2 (Neoverse N1, Armv8.2), an arm64 server (`uname -m`: aarch64).
    static let graviton2 = """
        processor\t: 0
        BogoMIPS\t: 243.75
        Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
        CPU implementer\t: 0x41
        CPU architecture: 8
        CPU variant\t: 0x3
        CPU part\t: 0xd0c
        CPU revision\t: 1

        processor\t: 1
        BogoMIPS\t: 243.75
        Features\t: fp asimd
        CPU architecture: 8
        """
}

@Test(arguments: [
    ("x86_64", HostCPUInfoSamples.xeonSkylakeAVX512, "linux/amd64/v4"),
    ("x86_64", HostCPUInfoSamples.epycZen2, "linux/amd64/v3"),
    ("x86_64", HostCPUInfoSamples.xeonWestmere, "linux/amd64/v2"),
    ("x86_64", HostCPUInfoSamples.qemu64, "linux/amd64"),
    ("x86_64", "", "linux/amd64"),
    ("armv7l", HostCPUInfoSamples.raspberryPi3, "linux/arm/v7"),
    ("armv6l", HostCPUInfoSamples.raspberryPiZero, "linux/arm/v6"),
    ("aarch64", HostCPUInfoSamples.graviton2, "linux/arm64"),
    ("aarch64", "", "linux/arm64"),
    ("armv8l", "CPU architecture: 8\n", "linux/arm/v8"),
    ("armv7l", "", "linux/arm/v7"),
    ("armv6l", "", "linux/arm/v6"),
    ("armv5tel", "", "linux/arm/v5"),
    ("arm", "", "linux/arm/unknown"),
    ("armv7l", "CPU architecture: 9\n", "linux/arm/unknown"),
    ("i686", HostCPUInfoSamples.qemu64, "linux/386"),
    ("i386", "", "linux/386"),
    ("s390x", "", "linux/s390x"),
    ("ppc64le", "", "linux/ppc64le"),
    ("riscv64", "", "linux/riscv64"),
    ("loongarch64", "", "linux/loong64"),
    ("mips64", "", "linux/mips64"),
])
func detectsHostPlatform(_ machine: String, _ cpuinfo: String, _ expected: String) {
    #expect(HostCPUInfo.hostPlatform(machine: machine, cpuinfo: cpuinfo).formatted == expected)
}

@Test(arguments: [
    (HostCPUInfoSamples.xeonSkylakeAVX512, 4), (HostCPUInfoSamples.epycZen2, 3), (HostCPUInfoSamples.xeonWestmere, 2),
    (HostCPUInfoSamples.qemu64, 1), ("", 1), (HostCPUInfoSamples.graviton2, 1),
])
func reportsAMD64Level(_ cpuinfo: String, _ level: Int) {
    #expect(HostCPUInfo.amd64Level(flags: HostCPUInfo.parse(cpuinfo: cpuinfo).flags) == level)
}

private let amd64V2Flags: Set<String> = ["cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"]
private let amd64V3Flags: Set<String> = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"]
private let amd64V4Flags: Set<String> = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]

@Test(arguments: [
    ([], 1),
    (amd64V2Flags, 2),
    (amd64V2Flags.subtracting(["pni"]), 1),
    (amd64V2Flags.subtracting(["popcnt"]), 1),
    (amd64V2Flags.union(amd64V3Flags), 3),
    (amd64V3Flags, 1),
    (amd64V2Flags.union(amd64V3Flags).subtracting(["abm"]), 2),
    (amd64V2Flags.union(amd64V3Flags).subtracting(["movbe"]), 2),
    (amd64V2Flags.union(amd64V3Flags).subtracting(["xsave"]), 2),
    (amd64V2Flags.union(amd64V3Flags).union(amd64V4Flags), 4),
    (amd64V2Flags.union(amd64V3Flags).union(amd64V4Flags).subtracting(["avx512vl"]), 3),
    (amd64V2Flags.union(amd64V4Flags), 2),
    (amd64V2Flags.union(amd64V3Flags).union(amd64V4Flags).union(["avx512_fp16", "amx_tile"]), 4),
] as [(Set<String>, Int)])
func computesAMD64Level(_ flags: Set<String>, _ level: Int) {
    #expect(HostCPUInfo.amd64Level(flags: flags) == level)
}

// containerd's getArmCPUVariant and TestGetCPUVariantFromArch.
@Test(arguments: [
    ("8", nil, "aarch64", "v8"), ("AArch64", nil, "aarch64", "v8"), ("7", nil, "armv7l", "v7"),
    ("7", "ARMv6-compatible processor rev 7 (v6l)", "armv6l", "v6"),
    ("7", "ARMv6-compatible processor rev 7 (v6l)", "aarch64", "v7"),
    ("7", "ARMv7 Processor rev 4 (v7l)", "armv7l", "v7"),
    ("7M", nil, "armv7l", "v7"), ("?(12)", nil, "armv7l", "v7"), ("?(17)", nil, "armv7l", "v7"),
    ("6", nil, "armv6l", "v6"), ("6TEJ", nil, "armv6l", "v6"), ("5TEJ", nil, "armv5tejl", "v5"),
    ("5TE", nil, "armv5tel", "v5"), ("5T", nil, "armv5tel", "v5"), ("5", nil, "armv5l", "v5"),
    ("4T", nil, "armv4tl", "v4"), ("4", nil, "armv4l", "v4"), ("3", nil, "arm", "v3"),
    ("9", nil, "aarch64", nil), ("?(18)", nil, "armv7l", nil),
    (nil, nil, "aarch64", "v8"), (nil, nil, "Armv8", "v8"), (nil, nil, "armv7", "v7"), (nil, nil, "armv6", "v6"),
    (nil, nil, "armv5", "v5"), (nil, nil, "armv4", "v4"), (nil, nil, "armv3", "v3"), (nil, nil, "armv9", nil),
    (nil, nil, "armxxxx", nil), (nil, nil, "armv", nil), (nil, nil, "x86_64", nil), ("", nil, "armv6l", "v6"),
    (nil, "ARMv6-compatible processor rev 7 (v6l)", "armv7l", "v6"),
] as [(String?, String?, String, String?)])
func detectsArmVariant(_ cpuArchitecture: String?, _ modelName: String?, _ machine: String, _ expected: String?) {
    let variant = HostCPUInfo.armVariant(cpuArchitecture: cpuArchitecture, modelName: modelName, machine: machine)
    #expect(variant == expected)
}

@Test func parsesCPUInfoFields() {
    let pi = HostCPUInfo.parse(cpuinfo: HostCPUInfoSamples.raspberryPiZero)
    #expect(pi.cpuArchitecture == "7")
    #expect(pi.modelName == "ARMv6-compatible processor rev 7 (v6l)")
    #expect(pi.armFeatures == ["half", "thumb", "fastmult", "vfp", "edsp", "java", "tls"])
    #expect(pi.flags.isEmpty)

    let graviton = HostCPUInfo.parse(cpuinfo: HostCPUInfoSamples.graviton2)
    #expect(graviton.armFeatures.contains("atomics") && graviton.armFeatures.contains("asimddp"))
    #expect(graviton.armFeatures.count == 17)
    #expect(graviton.modelName == nil)

    let xeon = HostCPUInfo.parse(cpuinfo: HostCPUInfoSamples.xeonSkylakeAVX512)
    #expect(xeon.flags.contains("avx512vl") && xeon.flags.count == 87)
    #expect(xeon.modelName == "Intel(R) Xeon(R) Platinum 8124M CPU @ 3.00GHz")
    #expect(xeon.cpuArchitecture == nil)

    let westmere = HostCPUInfo.parse(cpuinfo: HostCPUInfoSamples.xeonWestmere)
    #expect(!westmere.flags.contains("preemption_timer"))
}

@Test func parsesCPUInfoWithCRLFAndOddSpacing() {
    let text = "Processor : 0\r\nFLAGS:  sse4_2   popcnt\tcx16 \r\ncpu architecture :8\r\n"
    let info = HostCPUInfo.parse(cpuinfo: text)
    #expect(info.flags == ["sse4_2", "popcnt", "cx16"])
    #expect(info.cpuArchitecture == "8")
}

@Test(arguments: [
    ("x86_64", "amd64"), ("AMD64", "amd64"), ("i686", "386"), ("i586", "386"), ("aarch64", "arm64"),
    ("arm64", "arm64"), ("aarch64_be", "arm64be"), ("armv7l", "arm"), ("armv6l", "arm"), ("armv8l", "arm"),
    ("arm", "arm"), ("ppc64le", "ppc64le"), ("ppc64", "ppc64"), ("s390x", "s390x"), ("riscv64", "riscv64"),
    ("loongarch64", "loong64"), ("mips64", "mips64"),
])
func mapsMachineNames(_ machine: String, _ architecture: String) {
    #expect(HostCPUInfo.architecture(machine: machine) == architecture)
}

@Test func hostPlatformFeedsOnly() {
    let host = HostCPUInfo.hostPlatform(machine: "x86_64", cpuinfo: HostCPUInfoSamples.epycZen2)
    let matcher = PlatformMatcher.only(host)
    #expect(matcher.platforms.map(\.formatted) == ["linux/amd64/v3", "linux/amd64/v2", "linux/amd64", "linux/386"])
    let pi = HostCPUInfo.hostPlatform(machine: "armv6l", cpuinfo: HostCPUInfoSamples.raspberryPiZero)
    #expect(!PlatformMatcher.only(pi).matches(Platform(os: "linux", architecture: "arm", variant: "v7")))
    #expect(PlatformMatcher.only(pi).matches(Platform(os: "linux", architecture: "arm", variant: "v6")))
}
