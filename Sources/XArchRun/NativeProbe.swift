import CXArchSandbox
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether the host really executes its 32-bit companion architecture (linux/386 on amd64, linux/arm on
/// arm64): containerd's `Only` vector lists it, but kernels built without `CONFIG_IA32_EMULATION` or
/// `CONFIG_COMPAT`, and arm64 CPUs without AArch32 (Graviton 3, Apple M-series), do not. The probe
/// executes a minimal static ELF of that architecture that only calls `exit(0)`.
enum NativeProbe {
    /// True when the 32-bit program of `architecture` (`386` or `arm`) ran and exited 0.
    static func runs(_ architecture: String) -> Bool {
        guard let program = program(architecture) else { return false }
        return execute(program)
    }

    /// A static ELF32 little-endian executable: the file header, one PT_LOAD of the whole file (R+X) at
    /// 0x400000, then `code` (System V gABI, "ELF Header" and "Program Header").
    static func program(_ architecture: String) -> [UInt8]? {
        let machine: UInt16, flags: UInt32, code: [UInt8]
        switch architecture {
        case "386":
            machine = 3 // EM_386
            flags = 0
            code = [0x31, 0xdb, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xcd, 0x80] // xor ebx,ebx; mov eax,1; int 0x80
        case "arm":
            machine = 40 // EM_ARM
            flags = 0x0500_0000 // EABI version 5
            code = [0x00, 0x00, 0xa0, 0xe3, 0x01, 0x70, 0xa0, 0xe3, 0x00, 0x00, 0x00, 0xef] // mov r0,#0; mov r7,#1; svc 0
        default:
            return nil
        }
        let base: UInt32 = 0x40_0000, headers: UInt32 = 52 + 32
        let size = headers + UInt32(code.count)
        var out: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        func u16(_ v: UInt16) { out += [UInt8(v & 0xff), UInt8(v >> 8)] }
        func u32(_ v: UInt32) { out += (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
        u16(2); u16(machine); u32(1); u32(base + headers); u32(52); u32(0); u32(flags)
        u16(52); u16(32); u16(1); u16(0); u16(0); u16(0)
        u32(1); u32(0); u32(base); u32(base); u32(size); u32(size); u32(5); u32(0x1000)
        return out + code
    }

    /// Runs `program` from a memfd (no file system involved, so a `noexec` /tmp cannot fake a failure),
    /// with no environment and /dev/null for stdio; true when it exited 0 within 5 s.
    static func execute(_ program: [UInt8]) -> Bool {
        let fd = xarch_memfd_create("xarch-probe", 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let written = program.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == program.count else { return false }
        var actions = posix_spawn_file_actions_t()
        guard posix_spawn_file_actions_init(&actions) == 0 else { return false }
        defer { posix_spawn_file_actions_destroy(&actions) }
        for target in Int32(0)...2 {
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let path = "/proc/self/fd/\(fd)"
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("probe"), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = [nil]
        defer { free(argv[0]) }
        var pid = pid_t()
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else { return false }
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            let got = waitpid(pid, &status, WNOHANG)
            if got == pid { break }
            if got < 0, errno != EINTR { return false }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                return false
            }
            usleep(1000)
        }
        return status & 0x7f == 0 && (status >> 8) & 0xff == 0
    }
}
