"""Compares hadolint's DL3029 with xarch's platform rules on the lint corpus (see bench/lint-compare)."""
import json
import os
import re
import sys

corpus, out, hadolint_version = sys.argv[1], sys.argv[2], sys.argv[3]
PLATFORM_RULES = {"constant-platform", "redundant-target-platform", "buildplatform-in-final-stage"}
FROM = re.compile(r"^\s*FROM\s+(?P<flags>(?:--\S+\s+)*)(?P<image>\S+)(?:\s+AS\s+(?P<name>\S+))?", re.I)


def classify(value, global_args):
    if "$" not in value:
        return "constant"
    names = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", value))
    if names <= {"BUILDPLATFORM", "TARGETPLATFORM", "BUILDOS", "BUILDARCH", "TARGETOS", "TARGETARCH"}:
        return "automatic"
    if all(global_args.get(n, "").count("$") == 0 and n in global_args for n in names):
        return "arg-default"
    return "variable"


rows, failures, by_design, xarch_only, info_notes = [], [], [], [], []
totals = {"agree": 0, "differ": 0}
for entry in sorted(os.listdir(corpus)):
    if not entry.endswith(".Dockerfile"):
        continue
    name = entry[: -len(".Dockerfile")]
    text = open(os.path.join(corpus, entry)).read()
    hadolint = {f["line"] for f in json.load(open(os.path.join(out, name + ".hadolint.json"))) if f["code"] == "DL3029"}
    xarch = json.load(open(os.path.join(out, name + ".xarch.json")))
    xarch_platform = {(f["line"], f["rule"] + (f" ({f['severity']})" if f["severity"] == "info" and f["rule"] == "constant-platform" else ""))
                      for f in xarch if f["rule"] in PLATFORM_RULES}
    xarch_only += [(name, f["line"], f["rule"]) for f in xarch if f["rule"] not in PLATFORM_RULES]
    global_args, seen_from = {}, False
    # The file's check directive skips the rule by xarch's id or BuildKit's check name (or all).
    skip = re.search(r"^#\s*check\s*=.*?skip=([^;\n]*)", text, re.I | re.M)
    skipped = {n.strip().lower() for n in skip.group(1).split(",")} if skip else set()
    suppressed = bool(skipped & {"constant-platform", "fromplatformflagconstdisallowed", "all"}) \
        or "xarch-ignoreconstant-platform" in text.replace(" ", "")
    for number, line in enumerate(text.splitlines(), 1):
        arg = re.match(r"^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)", line, re.I)
        if arg and not seen_from:
            global_args[arg.group(1)] = arg.group(2)
        m = FROM.match(line)
        if not m:
            continue
        seen_from = True
        flag = re.search(r"--platform=(\S+)", m.group("flags") or "")
        if not flag:
            continue
        value, stage = flag.group(1), (m.group("name") or "").lower()
        kind = classify(value, global_args)
        rules = sorted(rule for (l, rule) in xarch_platform if l == number)
        dl3029 = number in hadolint
        xarch_const = any(r.startswith("constant-platform") for r in rules)
        if "constant-platform (info)" in rules:
            info_notes.append((name, number))
        if dl3029 == xarch_const:
            verdict = "agree"
        else:
            verdict = "differ"
            if dl3029 and kind in ("constant", "arg-default"):
                pinned = value if kind == "constant" else global_args.get(re.sub(r"[${}]", "", value), "")
                parts = pinned.split("/")
                if any(p and p in stage for p in parts[:2]):
                    verdict = "differ (by design: stage name says the platform)"
                    by_design.append((name, number))
                elif suppressed:
                    verdict = "differ (by design: suppressed in the file)"
                    by_design.append((name, number))
                else:
                    failures.append(f"{name}:{number}: hadolint DL3029 on constant --platform={value}, xarch silent")
            elif dl3029:
                verdict = "differ (xarch: a variable, not a constant)"
        if xarch_const and kind == "automatic":
            failures.append(f"{name}:{number}: xarch flags --platform={value}, a $BUILDPLATFORM/$TARGETPLATFORM form")
        totals["agree" if verdict == "agree" else "differ"] += 1
        rows.append((name, number, value, kind, "DL3029" if dl3029 else "–", ", ".join(rules) or "–", verdict))

print(f"# hadolint vs xarch lint: FROM --platform on the corpus\n")
print(f"hadolint: {hadolint_version}; corpus: {len([e for e in os.listdir(corpus) if e.endswith('.Dockerfile')])} Dockerfiles\n")
print("| file | line | --platform | kind | hadolint | xarch | DL3029 vs constant-platform |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(str(c) for c in r) + " |")
print(f"\n{totals['agree']} FROM --platform lines agree, {totals['differ']} differ "
      f"({len(by_design)} by design). Of xarch's constant-platform findings, {len(info_notes)} are info notes "
      f"(the stage is used only by same-platform stages or for architecture-independent files, or the file name says "
      f"the platform), silent at the default --severity warning.")
print(f"\nxarch findings of rules hadolint does not have: {len(xarch_only)} "
      f"(in {len({n for n, _, _ in xarch_only})} files): " +
      ", ".join(f"{r} ×{sum(1 for _, _, x in xarch_only if x == r)}" for r in sorted({r for _, _, r in xarch_only})))
print()
if failures:
    for f in failures:
        print(f"ASSERTION FAILED: {f}")
    sys.exit(1)
print("ASSERTION OK: xarch finds every constant-platform case hadolint finds (except the by-design cases listed), "
      "and flags no $BUILDPLATFORM/$TARGETPLATFORM form.")
