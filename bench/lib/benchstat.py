#!/usr/bin/env python3
"""Helpers of bench/copy (python3 stdlib only): log slicing, run records, the Markdown report.

  benchstat.py size FILE
      the size of FILE in bytes (0 if missing): a log offset.
  benchstat.py record --op OP --tool T --run I --wall S --rc RC --timefile F --info INFO.json
                      [--log NAME=PATH:START:END ...] [--digest-ok 0|1|-] [--note TEXT]
      one JSON line describing a measured run: wall time, /usr/bin/time -v figures, and per registry
      log the requests in bytes [START, END) of that access log (see `slice`).
  benchstat.py slice PATH START END --info INFO.json
      the statistics of one access-log slice, as JSON (for debugging).
  benchstat.py report RESULTS.jsonl --info INFO.json --machine MACHINE.json --params PARAMS.json
      the Markdown report.

Access log: distribution's gorilla/handlers "combined" format, one line per request, written after the
response:  CLIENT - - [TIME] "METHOD TARGET PROTO" STATUS BYTES "REFERER" "USER-AGENT". BYTES is the
RESPONSE body size, so it measures downloads (GET blob) exactly but says nothing about uploads. Uploads
are counted from what the registry COMMITTED: every `PUT …/blobs/uploads/…?digest=D` answered 201 means
the registry received and verified all of blob D in that upload session (monolithic PUT or PATCHes +
closing PUT), so "uploaded" = sum of the sizes of those D (sizes from the layout's INFO.json). Retried
chunks would be sent more than once on the wire and are not counted; PATCH 416 answers show up in the
request counts.
"""
import argparse, json, os, re, statistics, sys
from collections import Counter
from urllib.parse import parse_qs, unquote, urlsplit

LINE = re.compile(r'^(\S+) \S+ \S+ \[([^\]]*)\] "(\S+) (\S+) ([^"]*)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"')
PATH = re.compile(r'^/v2/(.+?)/(blobs/uploads|blobs|manifests|tags)(?:/(.*))?$')
PROBE_UA = "xarch-scripts-registry-probe"
METHODS = ("HEAD", "GET", "POST", "PATCH", "PUT", "DELETE")
MIB = 1 << 20


def read_slice(path, start, end):
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(max(0, end - start))
    return data.decode("utf-8", "replace").splitlines()


def blob_sizes(info):
    return {b["digest"]: b["size"] for b in info["blobs"]}


def slice_stats(path, start, end, sizes):
    methods, detail, agents = Counter(), Counter(), Counter()
    blob_get_bytes = manifest_get_bytes = other_get_bytes = 0
    uploaded = 0
    uploaded_digests, unknown_uploads = [], []
    mounts = mount_refused = 0
    unparsed = 0
    for line in read_slice(path, start, end):
        m = LINE.match(line)
        if not m:
            unparsed += 1
            continue
        _, _, method, target, _, status, nbytes, _, ua = m.groups()
        if ua == PROBE_UA:
            continue
        status = int(status)
        nbytes = 0 if nbytes == "-" else int(nbytes)
        methods[method] += 1
        agents[ua.split(" ")[0]] += 1
        u = urlsplit(target)
        pm = PATH.match(u.path)
        kind = "ping" if u.path in ("/v2/", "/v2") else (pm.group(2) if pm else "other")
        if kind == "blobs/uploads":
            kind = "upload"
        q = parse_qs(u.query)
        if method == "POST" and kind == "upload" and "mount" in q:
            kind = "mount"
            if status == 201:
                mounts += 1
            else:
                mount_refused += 1
        detail[f"{method} {kind} {status}"] += 1
        if method == "GET" and status in (200, 206):
            if kind == "blobs":
                blob_get_bytes += nbytes
            elif kind == "manifests":
                manifest_get_bytes += nbytes
            else:
                other_get_bytes += nbytes
        if method == "PUT" and kind == "upload" and status == 201 and "digest" in q:
            d = unquote(q["digest"][0])
            uploaded_digests.append(d)
            if d in sizes:
                uploaded += sizes[d]
            else:
                unknown_uploads.append(d)
    return {"methods": dict(methods), "requests": sum(methods.values()), "detail": dict(sorted(detail.items())),
            "agents": dict(agents), "blob_get_bytes": blob_get_bytes, "manifest_get_bytes": manifest_get_bytes,
            "other_get_bytes": other_get_bytes, "uploaded_bytes": uploaded, "uploaded_blobs": len(uploaded_digests),
            "duplicate_uploads": len(uploaded_digests) - len(set(uploaded_digests)),
            "unknown_uploads": unknown_uploads, "mounts": mounts, "mounts_refused": mount_refused,
            "unparsed_lines": unparsed}


def parse_time_v(path):
    out = {}
    try:
        text = open(path).read()
    except OSError:
        return out
    for line in text.splitlines():
        k, _, v = line.strip().rpartition(": ")
        if k == "Maximum resident set size (kbytes)":
            out["max_rss_kib"] = int(v)
        elif k == "User time (seconds)":
            out["user_s"] = float(v)
        elif k == "System time (seconds)":
            out["sys_s"] = float(v)
        elif k == "Percent of CPU this job got":
            out["cpu_percent"] = v
        elif k == "Voluntary context switches":
            out["vol_ctx"] = int(v)
        elif k == "Involuntary context switches":
            out["invol_ctx"] = int(v)
    return out


def cmd_record(a):
    info = json.load(open(a.info))
    sizes = blob_sizes(info)
    logs = {}
    for spec in a.log or []:
        name, _, rest = spec.partition("=")
        path, start, end = rest.rsplit(":", 2)
        logs[name] = slice_stats(path, int(start), int(end), sizes)
    rec = {"op": a.op, "tool": a.tool, "run": a.run, "wall_s": a.wall, "rc": a.rc, "digest_ok": a.digest_ok,
           "note": a.note, **parse_time_v(a.timefile), "logs": logs}
    print(json.dumps(rec, sort_keys=True))


def cmd_slice(a):
    info = json.load(open(a.info))
    print(json.dumps(slice_stats(a.path, a.start, a.end, blob_sizes(info)), indent=1))


# ------------------------------------------------------------------------------------------------ report
OPS = [  # (op id, label)
    ("copy-cross", "copy across two registries (bytes move)"),
    ("copy-same", "copy within one registry (mounts)"),
    ("copy-uptodate", "up-to-date copy (across, same destination again)"),
    ("inspect", "inspect (xarch inspect / skopeo inspect --raw)"),
    ("resolve", "resolve linux/arm64 (xarch resolve / skopeo --override-arch arm64 inspect --no-tags)"),
]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def merged(rec, key):
    """Sum of a numeric field over the record's logs."""
    return sum(l.get(key, 0) for l in rec["logs"].values())


def merged_methods(rec):
    c = Counter()
    for l in rec["logs"].values():
        c.update(l["methods"])
    return c


def fmt_methods(c):
    parts = [f"{m} {c[m]:g}" for m in METHODS if c.get(m)]
    parts += [f"{m} {v:g}" for m, v in sorted(c.items()) if m not in METHODS and v]
    return " · ".join(parts) if parts else "0"


def median_methods(recs):
    keys = set()
    for r in recs:
        keys |= set(merged_methods(r))
    out = Counter({k: med([merged_methods(r).get(k, 0) for r in recs]) for k in keys})
    varied = any(merged_methods(r) != merged_methods(recs[0]) for r in recs[1:])
    return out, varied


def mib(n):
    return f"{n / MIB:.1f}"


def mark(ok):
    return "✅ pass" if ok else "❌ FAIL"


def cmd_report(a):
    info = json.load(open(a.info))
    machine = json.load(open(a.machine))
    params = json.load(open(a.params))
    recs = [json.loads(l) for l in open(a.results) if l.strip()]
    by = {}
    for r in recs:
        by.setdefault((r["op"], r["tool"]), []).append(r)
    unique = info["unique_blob_bytes"]
    out = []
    w = out.append
    w(f"# bench/copy — {machine.get('date', '')}")
    w("")
    w(f"xarch `{machine.get('xarch_commit', '?')}` vs skopeo {machine.get('skopeo', '?')}; "
      f"{params['runs']} runs per figure, medians shown (all runs are interleaved, order alternating).")
    w("")
    w("| operation | tool | median wall s | ratio xarch/this | peak RSS MiB | requests (by method, both registries) | bytes moved |")
    w("|---|---|---:|---:|---:|---|---|")
    summary = {}
    for op, label in OPS:
        walls = {}
        for tool in ("xarch", "skopeo", "skopeo-default", "curl"):
            rs = by.get((op, tool), [])
            if not rs:
                continue
            ok = [r for r in rs if r["rc"] == 0]
            failed = len(rs) - len(ok)
            use = ok or rs
            wall = med([r["wall_s"] for r in use])
            walls[tool] = wall if ok else None
            rss = med([r.get("max_rss_kib") for r in use])
            methods, varied = median_methods(use)
            down = med([merged(r, "blob_get_bytes") for r in use])
            up = med([merged(r, "uploaded_bytes") for r in use])
            mounts = med([merged(r, "mounts") for r in use])
            manifest_down = med([merged(r, "manifest_get_bytes") for r in use])
            if op.startswith("copy") and op != "copy-uptodate":
                moved = f"down {mib(down)} MiB, up {mib(up)} MiB"
                if mounts:
                    moved += f", {mounts:g} mounts"
            elif op == "copy-uptodate":
                moved = f"down {mib(down)} MiB, up {mib(up)} MiB"
            else:
                moved = f"{(down + manifest_down) / 1024:.1f} KiB GET"
            if tool == "skopeo-default":
                moved += " (recompressed: not the same image)" if any(r.get("digest_ok") == "0" for r in use) else ""
            summary[(op, tool)] = {"wall": wall, "rss_kib": rss, "methods": methods, "down": down, "up": up,
                                   "failed": failed, "varied": varied,
                                   "digest_ok": tool == "skopeo-default" or all(r.get("digest_ok") in ("1", "-", None) for r in use)}
            ratio = ""
            if tool != "xarch" and walls.get("xarch") and walls.get(tool):
                ratio = f"{walls['xarch'] / walls[tool]:.2f}×"
            status = f" ({failed}/{len(rs)} FAILED)" if failed else ""
            name = {"skopeo": "skopeo --preserve-digests" if op.startswith("copy") else "skopeo",
                    "skopeo-default": "skopeo, default options",
                    "curl": f"floor: curl GET → PUT, {params.get('curl_jobs', 4)} at a time"}.get(tool, tool)
            w(f"| {label if tool == 'xarch' else ''} | {name}{status} | {wall:.2f} | {ratio} | "
              f"{rss / 1024:.1f} | {fmt_methods(methods)}{' (varied)' if varied else ''} | {moved} |")
    w("")
    w("## Targets")
    w("")
    w("| target | measured | result |")
    w("|---|---|---|")
    x, s = summary.get(("copy-cross", "xarch")), summary.get(("copy-cross", "skopeo"))
    if x and s and s["wall"]:
        r = x["wall"] / s["wall"]
        w(f"| copy wall time ≤ 0.7× skopeo (across registries; issue 16) | {x['wall']:.2f} s vs {s['wall']:.2f} s = {r:.2f}× | {mark(r <= 0.7 and not x['failed'])} |")
    c = summary.get(("copy-cross", "curl"))
    if x and c and c["wall"]:
        r = x["wall"] / c["wall"]
        w(f"| copy wall time ≤ 1.2× the curl floor (across registries; issue 16) | {x['wall']:.2f} s vs {c['wall']:.2f} s = {r:.2f}× | {mark(r <= 1.2 and not x['failed'])} |")
    xs, ss = summary.get(("copy-same", "xarch")), summary.get(("copy-same", "skopeo"))
    if xs and ss and ss["wall"]:
        r = xs["wall"] / ss["wall"]
        w(f"| copy wall time ≤ 0.8× skopeo (within one registry, mounts) | {xs['wall']:.2f} s vs {ss['wall']:.2f} s = {r:.2f}× | {mark(r <= 0.8 and not xs['failed'])} |")
    if x:
        ok = x["down"] == unique and x["up"] == unique
        w(f"| bytes moved = unique blob bytes ({unique} B) — xarch, across | down {x['down']:.0f} B, up {x['up']:.0f} B | {mark(ok)} |")
    if s:
        ok = s["down"] == unique and s["up"] == unique
        w(f"| (same, for reference) — skopeo, across | down {s['down']:.0f} B, up {s['up']:.0f} B | {'✅' if ok else '—'} |")
    u = summary.get(("copy-uptodate", "xarch"))
    if u:
        ok = dict(u["methods"]) == {"HEAD": 2} and not u["varied"] and not u["failed"]
        w(f"| up-to-date copy = 2 HEAD requests | {fmt_methods(u['methods'])} | {mark(ok)} |")
    us = summary.get(("copy-uptodate", "skopeo"))
    if us:
        w(f"| (skopeo, same up-to-date copy, for reference) | {fmt_methods(us['methods'])} | — |")
    if x:
        rss_max = max(r.get("max_rss_kib", 0) for r in by[("copy-cross", "xarch")])
        w(f"| xarch peak RSS < 100 MiB copying the {params['large_mib']} MiB layer (max over runs) | {rss_max / 1024:.1f} MiB | {mark(rss_max < 100 * 1024)} |")
    bad_digest = [k for k, v in summary.items() if not v["digest_ok"]]
    if bad_digest:
        w(f"| destination digest = source digest | mismatch in {bad_digest} | ❌ FAIL |")
    else:
        w("| destination digest = source digest (every copy) | checked after each copy | ✅ pass |")
    w("")
    w("## Parameters")
    w("")
    w(f"- image: 4 platforms (linux/amd64, linux/arm64, linux/arm/v7, linux/386); per platform a config, a manifest, "
      f"the shared base layer ({params['base_mib']} MiB random, tar+gzip, shared by all 4), a per-platform layer "
      f"({params['platform_mib']} MiB random, tar+gzip); the large layer ({params['large_mib']} MiB random, uncompressed "
      f"tar, one file) on **linux/amd64 only**. Unique blob bytes: {unique} ({mib(unique)} MiB) in {len(info['blobs'])} blobs; "
      f"manifests {info['manifest_bytes']} B. Index {info['index_digest']}.")
    w(f"- runs: {params['runs']} (median); xarch {params['xarch_args'] or '(default options)'}; layout `{params['layout']}`")
    w(f"- registries: distribution {machine.get('registry', '?')} on 127.0.0.1 (HTTP, no auth), filesystem storage; the "
      f"cross-registry destination is restarted empty before every cross-registry copy.")
    w("")
    w("## Machine")
    w("")
    for k in ("nproc", "cpu", "mem", "kernel", "swift", "skopeo", "registry", "xarch_binary", "xarch_commit", "load_before"):
        if k in machine:
            w(f"- {k}: {machine[k]}")
    w("")
    w("## Details per run")
    w("")
    w("| op | tool | run | rc | wall s | user+sys s | RSS MiB | registry: requests by method+kind+status | blob GET B | uploaded B | mounts |")
    w("|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for r in recs:
        det = "; ".join(f"{n}: " + ", ".join(f"{k}×{v}" for k, v in l["detail"].items()) for n, l in r["logs"].items())
        cpu = (r.get("user_s") or 0) + (r.get("sys_s") or 0)
        w(f"| {r['op']} | {r['tool']} | {r['run']} | {r['rc']} | {r['wall_s']:.2f} | {cpu:.2f} | "
          f"{(r.get('max_rss_kib') or 0) / 1024:.1f} | {det} | {merged(r, 'blob_get_bytes')} | "
          f"{merged(r, 'uploaded_bytes')} | {merged(r, 'mounts')} |")
    print("\n".join(out))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("size"); s.add_argument("file")
    r = sub.add_parser("record")
    for k in ("--op", "--tool", "--timefile", "--info"):
        r.add_argument(k, required=True)
    r.add_argument("--run", type=int, required=True)
    r.add_argument("--wall", type=float, required=True)
    r.add_argument("--rc", type=int, required=True)
    r.add_argument("--log", action="append")
    r.add_argument("--digest-ok", default="-")
    r.add_argument("--note", default="")
    sl = sub.add_parser("slice")
    sl.add_argument("path"); sl.add_argument("start", type=int); sl.add_argument("end", type=int)
    sl.add_argument("--info", required=True)
    rp = sub.add_parser("report")
    rp.add_argument("results")
    for k in ("--info", "--machine", "--params"):
        rp.add_argument(k, required=True)
    a = p.parse_args()
    if a.cmd == "size":
        print(os.path.getsize(a.file) if os.path.exists(a.file) else 0)
    elif a.cmd == "record":
        cmd_record(a)
    elif a.cmd == "slice":
        cmd_slice(a)
    else:
        cmd_report(a)


main()
