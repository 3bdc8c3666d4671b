#!/usr/bin/env bash
# Check the hello executables of examples/hello:
#   1. bin/ holds exactly what generate.py produces today (generate.py --check, byte for byte);
#   2. `file` identifies each one as a statically linked ELF executable of the right architecture;
#   3. e_flags hold the ABI flags of the platform;
#   4. under `qemu-<arch>-static` (on a CPU model of the platform's baseline) each one prints exactly
#      "hello from <platform>\n", nothing on stderr, and exits 0.
# Exits 0 when everything holds, 1 on any mismatch or missing tool.
# Needs: python3, file, od, qemu-user-static (apt-get install file qemu-user-static).
set -u
cd "$(dirname "$0")"

# platform      directory        qemu                  -cpu                e_flags     `file -b` must match (ERE)
TABLE='
linux/amd64     linux-amd64      qemu-x86_64-static    qemu64              0x00000000  ^ELF 64-bit LSB executable, x86-64, .*statically linked
linux/arm64     linux-arm64      qemu-aarch64-static   cortex-a53          0x00000000  ^ELF 64-bit LSB executable, ARM aarch64, .*statically linked
linux/arm/v7    linux-armv7      qemu-arm-static       cortex-a7           0x05000400  ^ELF 32-bit LSB executable, ARM, EABI5 .*statically linked
linux/arm/v6    linux-armv6      qemu-arm-static       arm1176             0x05000200  ^ELF 32-bit LSB executable, ARM, EABI5 .*statically linked
linux/arm/v5    linux-armv5      qemu-arm-static       arm926              0x05000200  ^ELF 32-bit LSB executable, ARM, EABI5 .*statically linked
linux/386       linux-386        qemu-i386-static      486                 0x00000000  ^ELF 32-bit LSB executable, Intel (80386|i386), .*statically linked
linux/ppc64le   linux-ppc64le    qemu-ppc64le-static   power8              0x00000002  ^ELF 64-bit LSB executable, 64-bit PowerPC.*OpenPOWER ELF V2 ABI.*statically linked
linux/s390x     linux-s390x      qemu-s390x-static     z900                0x00000000  ^ELF 64-bit MSB executable, IBM S/390, .*statically linked
linux/riscv64   linux-riscv64    qemu-riscv64-static   rv64,c=false        0x00000004  ^ELF 64-bit LSB executable, UCB RISC-V, double-float ABI, .*statically linked
linux/mips64le  linux-mips64le   qemu-mips64el-static  MIPS64R2-generic    0x80000000  ^ELF 64-bit LSB executable, MIPS, MIPS64 rel2 .*statically linked
'

fail=0
bad() { echo "FAIL  $*"; fail=1; }

for tool in python3 file od; do
    command -v "$tool" >/dev/null || { echo "verify.sh: $tool is missing" >&2; exit 1; }
done

echo "== generate.py --check"
python3 ./generate.py --check || bad "bin/ differs from what generate.py produces (run ./generate.py)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== file, e_flags, qemu"
while read -r platform dir qemu cpu flags pattern; do
    [ -n "$platform" ] || continue
    bin="bin/$dir/hello"

    # The directory is what the Dockerfile asks for: ${TARGETOS}-${TARGETARCH}${TARGETVARIANT}.
    IFS=/ read -r os arch variant <<<"$platform"
    [ "$dir" = "$os-$arch$variant" ] || bad "$platform: directory $dir is not $os-$arch$variant"
    [ -f "$bin" ] || { bad "$platform: $bin is missing"; continue; }
    [ -x "$bin" ] || bad "$platform: $bin is not executable"

    desc=$(file -b "$bin")
    grep -Eq -- "$pattern" <<<"$desc" || bad "$platform: file says '$desc', expected /$pattern/"

    # e_flags: offset 36 (ELFCLASS32) or 48 (ELFCLASS64), in the file's byte order (EI_DATA).
    class=$(od -An -tu1 -j4 -N1 "$bin" | tr -d ' ')
    data=$(od -An -tu1 -j5 -N1 "$bin" | tr -d ' ')
    off=36; [ "$class" = 2 ] && off=48
    endian=little; [ "$data" = 2 ] && endian=big
    have=$(printf '0x%08x' "0x$(od -An -tx4 --endian=$endian -j$off -N4 "$bin" | tr -d ' ')")
    [ "$have" = "$flags" ] || bad "$platform: e_flags $have, expected $flags"

    if ! command -v "$qemu" >/dev/null; then
        bad "$platform: $qemu is missing (apt-get install qemu-user-static)"
        continue
    fi
    "$qemu" -cpu "$cpu" "$bin" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    printf 'hello from %s\n' "$platform" >"$tmp/want"
    if [ "$rc" -ne 0 ]; then
        bad "$platform: $qemu -cpu $cpu $bin exited $rc"
    elif ! cmp -s "$tmp/out" "$tmp/want"; then
        bad "$platform: stdout (cat -A) '$(head -c 200 "$tmp/out" | cat -A | tr '\n' ' ')', expected 'hello from $platform\$'"
    elif [ -s "$tmp/err" ]; then
        bad "$platform: stderr: $(head -c 200 "$tmp/err")"
    else
        printf 'ok    %-15s e_flags %s  %s -cpu %s: stdout "hello from %s\\n", exit 0\n' "$platform" "$flags" "$qemu" "$cpu" "$platform"
        printf '      file: %s\n' "$desc"
    fi
done <<<"$TABLE"

if [ "$fail" -ne 0 ]; then
    echo "verify.sh: FAILED"
    exit 1
fi
echo "verify.sh: all $(grep -c '^linux/' <<<"$TABLE") binaries verified"
