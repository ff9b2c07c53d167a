#!/usr/bin/env python3
"""`make bench`: the reference workload (../shared/bench/REFERENCE_WORKLOAD.md) run by `stratify run` with
Rules/bench.yaml and by the DuckDB and Polars peers, alternately, on the same cached extracts.

For each data set it prints the median wall time, CPU time (user+sys) and peak RSS of each tool (from
`/usr/bin/time -v`), the ratios stratify/Polars and stratify/DuckDB, how cost grows with patients and with events,
and whether each target of issue 6 is met; at 1M also stratify on a night after the first (the previous run in the
history). Missed targets are reported, not fatal. A parity failure (a score, tier
or worklist (patient_id, action) pair that differs from a peer's) is fatal: the script exits 1 and prints the first
differing rows.

Environment:
  BENCH_SIZES    comma-separated data sets to run (default: 100k,1m,1m-2x; see SIZES below)
  BENCH_RUNS     runs per tool per data set (default 3)
  BENCH_NO_BUILD set to 1 to skip `make build` (uses the existing .build/release/stratify)
  BENCH_BIN      a stratify binary built elsewhere (e.g. from a clean export of a commit while the shared tree is
                 mid-edit); implies BENCH_NO_BUILD
  BENCH_JSON     where to write the figures as JSON (default bench-data/results.json)
  BENCH_TOOLS    comma-separated subset of stratify,polars,duckdb (default: all three)
  BENCH_SECOND_NIGHT  set to 0 to skip the second-night runs of stratify at 1M (a night with the previous run in
                 the history, as every night but the first is; informational, not one of the issue's targets)

Run from the repository root (the Makefile does); the peers are found at ../shared/bench/.
"""
import csv
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

AS_OF = "2026-11-21"
SEED = 7
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench-data")
PEERS = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
VENV = os.path.join(ROOT, ".venv")
VENV_PY = os.path.join(VENV, "bin", "python3")
BIN = os.environ.get("BENCH_BIN") or os.path.join(ROOT, ".build", "release", "stratify")
RULES = os.path.join(ROOT, "Rules", "bench.yaml")
TIME = "/usr/bin/time"

# name → (patients, events per patient)
SIZES = {
    "100k": (100_000, 20),
    "1m": (1_000_000, 20),
    "1m-2x": (1_000_000, 40),
}
TOOLS = ("stratify", "polars", "duckdb")


def log(msg):
    print(msg, flush=True)


def die(msg):
    print(f"bench: error: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def sudo():
    return [] if os.geteuid() == 0 else ["sudo"]


# ---------------------------------------------------------------------------------------------------------------
# Setup: the release binary, /usr/bin/time, the virtualenv with the peers, the cached data.


def build():
    if os.environ.get("BENCH_NO_BUILD") == "1" or os.environ.get("BENCH_BIN"):
        log(f"bench: not building; using {BIN}")
    else:
        # The Makefile's release build (its flags are the ones `make run` uses).
        log("bench: make build")
        subprocess.run(["make", "--no-print-directory", "build"], cwd=ROOT, check=True)
    if not os.access(BIN, os.X_OK):
        die(f"{BIN} is missing; run `make build`")


def ensure_time():
    if os.access(TIME, os.X_OK):
        return
    log("bench: installing GNU time (apt-get install time)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo() + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo() + ["apt-get", "install", "-y", "-qq", "time"], check=True, env=env)


def ensure_venv():
    probe = [VENV_PY, "-c", "import duckdb, polars"]
    if os.access(VENV_PY, os.X_OK) and subprocess.run(probe, capture_output=True).returncode == 0:
        return
    log("bench: creating .venv and installing duckdb and polars")
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([VENV_PY, "-m", "pip", "install", "-q", "duckdb", "polars"], check=True)
    subprocess.run(probe, check=True)


def peer_versions():
    out = subprocess.run(
        [VENV_PY, "-c", "import duckdb, polars; print(duckdb.__version__, polars.__version__)"],
        capture_output=True, text=True, check=True).stdout.split()
    return {"duckdb": out[0], "polars": out[1]}


def ensure_data(name):
    """Generates the extracts once; a marker written last says the folder is complete and with which options."""
    patients, events = SIZES[name]
    folder = os.path.join(DATA, name)
    marker = os.path.join(folder, ".complete")
    want = f"patients={patients} events={events} seed={SEED} as_of={AS_OF}\n"
    if os.path.exists(marker) and open(marker).read() == want:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    log(f"bench: generating {name} ({patients} patients, {events} events each) into {folder}")
    cmd = [BIN, "sample", "--patients", str(patients), "--seed", str(SEED), "--as-of", AS_OF,
           "--events-per-patient", str(events), "--output", folder]
    started = time.monotonic()
    subprocess.run(cmd, check=True)
    log(f"bench: generated in {time.monotonic() - started:.1f} s")
    with open(marker, "w") as f:
        f.write(want)
    return folder


def warm_cache(folder):
    """Reads the extracts once so that every tool starts with them in the page cache."""
    for name in ("patients.csv", "utilization.csv", "discharges.csv"):
        with open(os.path.join(folder, name), "rb") as f:
            while f.read(1 << 24):
                pass


def data_bytes(folder):
    return sum(os.path.getsize(os.path.join(folder, n)) for n in ("patients.csv", "utilization.csv", "discharges.csv"))


# ---------------------------------------------------------------------------------------------------------------
# Measuring one run.


def command(tool, indir, outdir):
    if tool == "stratify":
        return [BIN, "run", "--input", indir, "--rules", RULES, "--output", outdir, "--as-of", AS_OF, "--quiet"]
    script = os.path.join(PEERS, f"peer_{tool}.py")
    return [VENV_PY, script, indir, outdir, AS_OF]


def parse_time_v(text):
    """The figures of GNU time's -v report: wall seconds, user+sys seconds, peak RSS in KiB."""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.strip().rpartition(": ")
        if sep:
            fields[key] = value.strip()
    try:
        wall_text = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"]
        parts = [float(p) for p in wall_text.split(":")]
        wall = 0.0
        for p in parts:
            wall = wall * 60 + p
        user = float(fields["User time (seconds)"])
        system = float(fields["System time (seconds)"])
        rss = int(fields["Maximum resident set size (kbytes)"])
    except (KeyError, ValueError) as error:
        die(f"cannot read /usr/bin/time -v output ({error}):\n{text}")
    return wall, user + system, rss


def measure(tool, indir, outdir):
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(os.path.dirname(outdir), exist_ok=True)
    return timed(tool, command(tool, indir, outdir), outdir)


def measure_second_night(indir, outdir):
    """stratify on a night after the first: a run as of the day before AS_OF fills a fresh output folder and its
    history (not timed), then the run as of AS_OF in the same folder is timed. Every night but the first reads the
    previous run (tier movement, carried worklist items); the other measurements start from an empty folder."""
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(os.path.dirname(outdir), exist_ok=True)
    before = (dt.date.fromisoformat(AS_OF) - dt.timedelta(days=1)).isoformat()
    first = command("stratify", indir, outdir)
    first[first.index("--as-of") + 1] = before
    result = subprocess.run(first, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        die(f"stratify exited with {result.returncode}: {' '.join(first)}\n{result.stdout}{result.stderr}")
    return timed("stratify", command("stratify", indir, outdir), outdir)


def timed(tool, command_line, outdir):
    report = outdir + ".time"
    cmd = [TIME, "-v", "-o", report] + command_line
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        die(f"{tool} exited with {result.returncode}: {' '.join(cmd)}\n{result.stdout}{result.stderr}")
    wall, cpu, rss = parse_time_v(open(report).read())
    return {"wall": wall, "cpu": cpu, "rss_kb": rss, "monotonic": elapsed}


# ---------------------------------------------------------------------------------------------------------------
# Parity.


def read_scores(path):
    with open(path, newline="") as f:
        rows = csv.DictReader(f)
        return {r["patient_id"]: (r["score"], r["tier"]) for r in rows}


def read_pairs(path):
    with open(path, newline="") as f:
        return {(r["patient_id"], r["action"]) for r in csv.DictReader(f)}


def compare_scores(mine, theirs, peer, limit=10):
    problems = []
    for pid in sorted(set(mine) | set(theirs)):
        a, b = mine.get(pid), theirs.get(pid)
        if a != b:
            problems.append(f"  patient {pid}: stratify score,tier = {a and ','.join(a)}; {peer} = {b and ','.join(b)}")
            if len(problems) >= limit:
                problems.append("  …")
                break
    return problems


def compare_pairs(mine, theirs, peer, limit=10):
    problems = []
    only_mine = sorted(mine - theirs)
    only_theirs = sorted(theirs - mine)
    for pid, action in only_mine[:limit]:
        problems.append(f"  worklist ({pid}, {action}): in stratify's, not in {peer}'s")
    for pid, action in only_theirs[:limit]:
        problems.append(f"  worklist ({pid}, {action}): in {peer}'s, not in stratify's")
    if only_mine or only_theirs:
        problems.append(f"  ({len(only_mine)} pairs only in stratify's, {len(only_theirs)} only in {peer}'s)")
    return problems


def check_parity(name, outdirs):
    """Compares stratify's last outputs with each peer's; returns a one-line summary or exits 1."""
    run = os.path.join(outdirs["stratify"], "runs", AS_OF)
    mine_scores = read_scores(os.path.join(run, "scores.csv"))
    mine_pairs = read_pairs(os.path.join(run, "worklist.csv"))
    problems = []
    for peer in ("polars", "duckdb"):
        if peer not in outdirs:
            continue
        theirs = read_scores(os.path.join(outdirs[peer], "scores.csv"))
        pairs = read_pairs(os.path.join(outdirs[peer], "worklist.csv"))
        found = compare_scores(mine_scores, theirs, peer) + compare_pairs(mine_pairs, pairs, peer)
        if found:
            problems.append(f"{name}: stratify differs from {peer}:")
            problems += found
    if problems:
        print("\nbench: PARITY FAILURE\n" + "\n".join(problems), file=sys.stderr, flush=True)
        sys.exit(1)
    peers = [p for p in ("polars", "duckdb") if p in outdirs]
    return (f"{name}: parity OK against {' and '.join(peers) or 'no peer'}: {len(mine_scores)} patients' score and "
            f"tier, {len(mine_pairs)} (patient_id, action) worklist pairs")


# ---------------------------------------------------------------------------------------------------------------
# The run.


def machine():
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem_kb = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "cpu": model, "memory_gib": round(mem_kb / 1048576, 1),
            "kernel": platform.release()}


def median(xs):
    return statistics.median(xs)


def main():
    sizes = [s.strip() for s in os.environ.get("BENCH_SIZES", "100k,1m,1m-2x").split(",") if s.strip()]
    for s in sizes:
        if s not in SIZES:
            die(f"unknown size '{s}' in BENCH_SIZES; known: {', '.join(SIZES)}")
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    tools = [t.strip() for t in os.environ.get("BENCH_TOOLS", ",".join(TOOLS)).split(",") if t.strip()]
    if "stratify" not in tools or any(t not in TOOLS for t in tools):
        die(f"BENCH_TOOLS must include stratify and name only {', '.join(TOOLS)}")
    for tool in tools[1:]:
        if not os.path.exists(os.path.join(PEERS, f"peer_{tool}.py")):
            die(f"missing {PEERS}/peer_{tool}.py (shared/ must sit beside the repository)")

    build()
    ensure_time()
    ensure_venv()
    info = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "machine": machine(),
            "versions": peer_versions(), "runs": runs, "sizes": {}, "load_before": os.getloadavg()}
    folders = {s: ensure_data(s) for s in sizes}

    parity = []
    for s in sizes:
        folder = folders[s]
        warm_cache(folder)
        samples = {t: [] for t in tools}
        outdirs = {t: os.path.join(DATA, "out", s, t) for t in tools}
        log(f"\nbench: {s}: {SIZES[s][0]} patients, {data_bytes(folder) / 1e6:.0f} MB; {runs} runs each, alternating")
        for i in range(runs):
            # Rotate the order each round so that no tool always runs right after the same neighbour.
            order = tools[i % len(tools):] + tools[:i % len(tools)]
            for t in order:
                m = measure(t, folder, outdirs[t])
                m["load1"] = os.getloadavg()[0]
                samples[t].append(m)
                log(f"  run {i + 1} {t:8s} wall {m['wall']:6.2f} s  cpu {m['cpu']:6.2f} s  "
                    f"rss {m['rss_kb'] / 1024:7.0f} MB  (load {m['load1']:.2f})")
        parity.append(check_parity(s, outdirs))
        log(f"  {parity[-1]}")
        second = []
        if s == "1m" and os.environ.get("BENCH_SECOND_NIGHT", "1") != "0":
            for i in range(runs):
                m = measure_second_night(folder, os.path.join(DATA, "out", s, "stratify-second-night"))
                m["load1"] = os.getloadavg()[0]
                second.append(m)
                log(f"  second night {i + 1} stratify wall {m['wall']:6.2f} s  cpu {m['cpu']:6.2f} s  "
                    f"rss {m['rss_kb'] / 1024:7.0f} MB  (load {m['load1']:.2f})")
        info["sizes"][s] = {
            "patients": SIZES[s][0], "events_per_patient": SIZES[s][1], "bytes": data_bytes(folder),
            "samples": samples,
            "median": {t: {"wall": median([m["wall"] for m in samples[t]]),
                           "cpu": median([m["cpu"] for m in samples[t]]),
                           "rss_mb": median([m["rss_kb"] for m in samples[t]]) / 1024} for t in tools},
        }
        if second:
            info["sizes"][s]["second_night"] = {
                "samples": second, "median": {"wall": median([m["wall"] for m in second]),
                                              "cpu": median([m["cpu"] for m in second]),
                                              "rss_mb": median([m["rss_kb"] for m in second]) / 1024}}
    info["load_after"] = os.getloadavg()
    info["parity"] = parity
    report(info, tools)
    out = os.environ.get("BENCH_JSON", os.path.join(DATA, "results.json"))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(info, f, indent=1)
    log(f"\nbench: figures written to {os.path.relpath(out, ROOT)}")


def report(info, tools):
    m = info["machine"]
    log(f"\n## stratify bench {info['date']}: {m['nproc']} cores, {m['cpu']}, {m['memory_gib']} GiB; "
        f"DuckDB {info['versions']['duckdb']}, Polars {info['versions']['polars']}; median of {info['runs']}; "
        f"load avg {info['load_before'][0]:.2f} before, {info['load_after'][0]:.2f} after\n")
    log("| data | tool | wall s | cpu s | cpu/wall | peak RSS MB | wall vs Polars | wall vs DuckDB | cpu vs Polars "
        "| cpu vs DuckDB | RSS vs Polars | RSS vs DuckDB |")
    log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s, d in info["sizes"].items():
        med = d["median"]
        for t in tools:
            x = med[t]
            cells = []
            for metric in ("wall", "cpu", "rss_mb"):
                for peer in ("polars", "duckdb"):
                    cells.append(f"{x[metric] / med[peer][metric]:.2f}" if peer in med else "–")
            log(f"| {s} | {t} | {x['wall']:.2f} | {x['cpu']:.2f} | {x['cpu'] / x['wall']:.2f} | {x['rss_mb']:.0f} | "
                + " | ".join(cells) + " |")

    log("")
    sizes = info["sizes"]
    targets = []
    if "1m" in sizes:
        med = sizes["1m"]["median"]["stratify"]
        if "polars" in sizes["1m"]["median"]:
            r = med["wall"] / sizes["1m"]["median"]["polars"]["wall"]
            targets.append(("1M wall stratify/Polars ≤ 0.80", f"{r:.2f}", r <= 0.8))
        if "duckdb" in sizes["1m"]["median"]:
            r = med["rss_mb"] / sizes["1m"]["median"]["duckdb"]["rss_mb"]
            targets.append(("1M peak RSS stratify/DuckDB ≤ 0.50", f"{r:.2f}", r <= 0.5))
    if "1m" in sizes and "second_night" in sizes["1m"]:
        x = sizes["1m"]["second_night"]["median"]
        peers = sizes["1m"]["median"]
        ratios = [f"wall {x['wall'] / peers[p]['wall']:.2f}× and RSS {x['rss_mb'] / peers[p]['rss_mb']:.2f}× {p}'s"
                  for p in ("polars", "duckdb") if p in peers]
        log(f"  (stratify at 1M on a night after the first: wall {x['wall']:.2f} s, cpu {x['cpu']:.2f} s, peak RSS "
            f"{x['rss_mb']:.0f} MB; " + ", ".join(ratios) + ")")
    if "1m" in sizes and "100k" in sizes:
        for t in tools:
            r = sizes["1m"]["median"][t]["wall"] / sizes["100k"]["median"][t]["wall"]
            if t == "stratify":
                targets.append(("1M/100k wall (stratify) within 9–11×", f"{r:.1f}×", 9 <= r <= 11))
                c = sizes["1m"]["median"][t]["cpu"] / sizes["100k"]["median"][t]["cpu"]
                log(f"  (stratify: 1M/100k cpu {c:.1f}×, less sensitive than wall to other load on the machine)")
            else:
                log(f"  (for comparison, {t}: 1M/100k wall {r:.1f}×)")
    if "1m" in sizes and "1m-2x" in sizes:
        for t in tools:
            g = sizes["1m-2x"]["median"][t]["rss_mb"] / sizes["1m"]["median"][t]["rss_mb"] - 1
            w = sizes["1m-2x"]["median"][t]["wall"] / sizes["1m"]["median"][t]["wall"]
            if t == "stratify":
                targets.append(("doubling events raises stratify's peak RSS < 20%", f"{g * 100:+.0f}%", g < 0.2))
                log(f"  (stratify: doubling events multiplies wall by {w:.2f})")
            else:
                log(f"  (for comparison, {t}: doubling events: RSS {g * 100:+.0f}%, wall ×{w:.2f})")
    if targets:
        log("\n| target (issue 6) | measured | |\n|---|---:|---|")
        for label, value, ok in targets:
            log(f"| {label} | {value} | {'met' if ok else 'MISSED'} |")
    info["targets"] = [{"target": l, "measured": v, "met": ok} for l, v, ok in targets]
    log("\n" + "\n".join(f"parity: {p}" for p in info["parity"]))


if __name__ == "__main__":
    main()
