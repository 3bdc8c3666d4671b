"""Times xarch lint and hadolint on the same Dockerfiles (see bench/lint)."""
import os
import statistics
import subprocess
import sys
import time

xarch, hadolint, directory, runs, per_file, hadolint_version, revision = sys.argv[1:8]
runs, per_file = int(runs), int(per_file)
files = sorted(os.path.join(directory, f) for f in os.listdir(directory))
commands = {
    "xarch": lambda fs: [xarch, "lint", "--format", "json", "--severity", "info", *fs],
    "hadolint": lambda fs: [hadolint, "--no-fail", "-f", "json", *fs],
}


def timed(argv):
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 3):
        sys.exit(f"{argv[0]} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return elapsed


results = {("batch", t): [] for t in commands} | {("per-file", t): [] for t in commands}
for run in range(runs):
    order = list(commands) if run % 2 == 0 else list(reversed(commands))
    for tool in order:
        results[("batch", tool)].append(timed(commands[tool](files)))
    for tool in order:
        start = time.perf_counter()
        for f in files[:per_file]:
            timed(commands[tool]([f]))
        results[("per-file", tool)].append(time.perf_counter() - start)

print("# xarch lint vs hadolint: parse + lint speed\n")
print(f"{len(files)} Dockerfiles (the corpus replicated), {runs} runs, medians; xarch {revision}, {hadolint_version}; "
      f"{os.cpu_count()} CPUs.\n")
print("| mode | files | xarch s | xarch files/s | hadolint s | hadolint files/s | xarch / hadolint |")
print("|---|---|---|---|---|---|---|")
for mode, count in (("batch", len(files)), ("per-file", min(per_file, len(files)))):
    x = statistics.median(results[(mode, "xarch")])
    h = statistics.median(results[(mode, "hadolint")])
    print(f"| {mode} | {count} | {x:.3f} | {count / x:.0f} | {h:.3f} | {count / h:.0f} | {h / x:.1f}× |")
print("\nbatch: one process for all files; per-file: one process per file (process start-up included).")
