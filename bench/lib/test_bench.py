#!/usr/bin/env python3
"""The measurements of bench/test: `xarch test` per platform against the physical floor.

For every platform of each image (an OCI layout and tag), RUNS times, interleaved:
  floor unpack   gzip -dc LAYER | tar -x into a fresh directory, for each layer of the platform
  floor run      the bare program run on that tree: natively, or `qemu-<arch>-static [-L ROOT] PROGRAM`
                 with the QEMU_CPU xarch would use (no namespaces, no checks, no chroot)
  xarch cold     `xarch test --platform P -- CMD` with an empty cache (unpacks into the cache, then runs)
  xarch no-cache `xarch test --no-cache --platform P -- CMD` (a temporary tree, removed afterwards)
  xarch warm     the same with the cache filled (nothing unpacked)
and, once per image, `xarch test --platform all` cold and warm (platforms in parallel) against the sum
of the floors. Prints a Markdown table (medians) and the ratios the issue sets as targets: cold within
1.5x of the floor (unpack + run), warm under 100 ms per emulated platform.

Usage: test_bench.py XARCH RUNS IMAGE:TAG=CMD... (CMD: words separated by spaces)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

QEMU = {"arm64": "aarch64", "arm": "arm", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64",
        "mips64le": "mips64el", "loong64": "loongarch64"}
CPU = {("arm", "v5"): "arm926", ("arm", "v6"): "arm1176", ("arm", "v7"): "cortex-a15"}
NATIVE = {"amd64", "386"}  # this script is meant for an amd64 host (it says so otherwise)


def blob(layout, digest):
    return os.path.join(layout, "blobs", *digest.split(":"))


def platforms(layout, tag):
    """[(platform string, arch, variant, [layer blob paths])] of the tag's index, in index order."""
    index = json.load(open(os.path.join(layout, "index.json")))
    root = next(m for m in index["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
    doc = json.load(open(blob(layout, root["digest"])))
    entries = doc.get("manifests") or [dict(root, platform=None)]
    out = []
    for entry in entries:
        manifest = json.load(open(blob(layout, entry["digest"])))
        if "layers" not in manifest:
            continue
        config = json.load(open(blob(layout, manifest["config"]["digest"])))
        p = entry.get("platform") or {"os": config["os"], "architecture": config["architecture"], "variant": config.get("variant")}
        name = "/".join(x for x in (p["os"], p["architecture"], p.get("variant")) if x)
        out.append((name, p["architecture"], p.get("variant"), [blob(layout, l["digest"]) for l in manifest["layers"]]))
    return out


def timed(argv, env=None, cwd=None):
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench/test: {' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    return elapsed


def floor(arch, variant, layers, command, work):
    root = tempfile.mkdtemp(dir=work, prefix="floor-")
    start = time.perf_counter()
    for layer in layers:
        subprocess.run(f"gzip -dc '{layer}' | tar -x -C '{root}'", shell=True, check=True)
    unpack = time.perf_counter() - start
    program = os.path.join(root, command[0].lstrip("/"))
    env = {"PATH": "/usr/bin:/bin"}
    if arch in NATIVE:
        argv = [program] + command[1:]
    else:
        argv = [shutil.which(f"qemu-{QEMU[arch]}-static"), "-L", root, program] + command[1:]
        if (arch, variant) in CPU:
            env["QEMU_CPU"] = CPU[(arch, variant)]
    if arch in NATIVE and not os.access(program, os.X_OK):
        sys.exit(f"bench/test: {program} is not executable")
    run = timed(argv, env=env)
    subprocess.run(["rm", "-rf", root], check=True)
    return unpack, run


def main():
    xarch, runs, images = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    work = tempfile.mkdtemp(prefix="xarch-bench-test-")
    rows, totals = [], []
    try:
        for spec in images:
            reference, command = spec.split("=", 1)
            command = command.split()
            layout, tag = reference.rsplit(":", 1)
            ref = f"oci:{layout}:{tag}"
            samples = {}
            def add(key, value):
                samples.setdefault(key, []).append(value)
            for _ in range(runs):
                for name, arch, variant, layers in platforms(layout, tag):
                    unpack, run = floor(arch, variant, layers, command, work)
                    add((name, "floor-unpack"), unpack)
                    add((name, "floor-run"), run)
                    cache = tempfile.mkdtemp(dir=work, prefix="cache-")
                    env = dict(os.environ, XDG_CACHE_HOME=cache)
                    base = [xarch, "test", ref, "--platform", name, "--format", "json", "--"] + command
                    add((name, "cold"), timed(base, env=env))
                    add((name, "warm"), timed(base, env=env))
                    add((name, "nocache"), timed(base[:3] + ["--no-cache"] + base[3:], env=env))
                    shutil.rmtree(cache)
                cache = tempfile.mkdtemp(dir=work, prefix="cache-")
                env = dict(os.environ, XDG_CACHE_HOME=cache)
                every = [xarch, "test", ref, "--platform", "all", "--format", "json", "--"] + command
                add(("all", "cold"), timed(every, env=env))
                add(("all", "warm"), timed(every, env=env))
                shutil.rmtree(cache)
            med = {k: statistics.median(v) for k, v in samples.items()}
            names = [p[0] for p in platforms(layout, tag)]
            for name in names:
                fu, fr = med[(name, "floor-unpack")], med[(name, "floor-run")]
                rows.append((reference, name, fu, fr, med[(name, "cold")], med[(name, "nocache")], med[(name, "warm")]))
            floor_sum = sum(med[(n, "floor-unpack")] + med[(n, "floor-run")] for n in names)
            totals.append((reference, len(names), floor_sum, med[("all", "cold")], med[("all", "warm")]))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ms = lambda s: f"{s * 1000:.0f} ms"
    print(f"## bench/test — {runs} runs (medians), {os.cpu_count()} cores\n")
    print("| image | platform | floor: tar -x | floor: bare run | floor total | xarch cold | cold / floor | xarch --no-cache | xarch warm | warm − bare run |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for ref, name, fu, fr, cold, nocache, warm in rows:
        image = os.path.basename(ref)
        print(f"| {image} | {name} | {ms(fu)} | {ms(fr)} | {ms(fu + fr)} | {ms(cold)} | {cold / (fu + fr):.2f}× | {ms(nocache)} | {ms(warm)} | {ms(warm - fr)} |")
    print("\n| image | platforms | sum of floors (serial) | xarch --platform all cold | xarch --platform all warm |")
    print("|---|---|---|---|---|")
    for ref, count, floor_sum, cold, warm in totals:
        print(f"| {os.path.basename(ref)} | {count} | {ms(floor_sum)} | {ms(cold)} | {ms(warm)} |")


if __name__ == "__main__":
    main()
