#!/usr/bin/env python3
"""Counts the instructions one `stratify run` executes, with valgrind's callgrind: a figure that does not move with
the load of a shared machine, for comparing two builds when wall and CPU times are too noisy to show a few percent.

    python3 bench/instructions.py BINARY [BINARY ...]        # e.g. an old and a new build of `stratify`
    INSTR_PATIENTS=20000 INSTR_TOP=25 python3 bench/instructions.py BINARY

The input is the first INSTR_PATIENTS patients (default 20000) of bench-data/100k (made by `make bench`) with their
utilization and discharge rows, written once into bench-data/instr-<N>; the run uses Rules/bench.yaml as of
2026-11-21. For each binary it prints the total and the INSTR_TOP functions with the most instructions of their own.

What it cannot show: memory stalls, page faults and the kernel (instructions are not time), and libcrypto's SHA-256,
which runs without the CPU's SHA instructions under valgrind (its count here is far above its share of a real run).
Needs valgrind (`apt-get install valgrind`); a static binary's debug info is stripped into a copy first (valgrind
cannot read it), which keeps the symbols.
"""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def subset(patients):
    source = os.path.join(ROOT, "bench-data", "100k")
    target = os.path.join(ROOT, "bench-data", f"instr-{patients}")
    marker = os.path.join(target, ".complete")
    if os.path.exists(marker):
        return target
    if not os.path.exists(os.path.join(source, ".complete")):
        sys.exit("instructions: bench-data/100k is missing; `make bench` (or BENCH_SIZES=100k make bench) makes it")
    os.makedirs(target, exist_ok=True)
    ids = set()
    with open(os.path.join(source, "patients.csv"), encoding="utf-8") as f, open(
        os.path.join(target, "patients.csv"), "w", encoding="utf-8"
    ) as out:
        for n, line in enumerate(f):
            if n > patients:
                break
            out.write(line)
            if n > 0:
                ids.add(line.split(",", 1)[0])
    for name in ("utilization.csv", "discharges.csv"):
        with open(os.path.join(source, name), encoding="utf-8") as f, open(
            os.path.join(target, name), "w", encoding="utf-8"
        ) as out:
            out.write(next(f))
            for line in f:
                if line.split(",", 1)[0] in ids:
                    out.write(line)
    open(marker, "w").close()
    return target


def count(binary, data, top):
    with tempfile.TemporaryDirectory() as work:
        stripped = os.path.join(work, "stratify")
        subprocess.run(["strip", "--strip-debug", "-o", stripped, binary], check=True)
        # The resources (templates) are found beside the binary.
        for entry in os.listdir(os.path.dirname(os.path.abspath(binary))):
            if entry.endswith(".resources"):
                shutil.copytree(
                    os.path.join(os.path.dirname(os.path.abspath(binary)), entry), os.path.join(work, entry))
        profile = os.path.join(work, "callgrind.out")
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}", stripped, "run", "--input", data,
             "--rules", os.path.join(ROOT, "Rules", "bench.yaml"), "--output", os.path.join(work, "out"),
             "--as-of", "2026-11-21", "--quiet"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        report = subprocess.run(["callgrind_annotate", profile], check=True, capture_output=True, text=True).stdout
    lines = report.splitlines()
    total = next(line for line in lines if "PROGRAM TOTALS" in line)
    start = next(k for k, line in enumerate(lines) if line.startswith("Ir") and "file:function" in line) + 2
    functions = [line for line in lines[start:] if line.strip()][:top]
    return total, functions


def main():
    binaries = sys.argv[1:]
    if not binaries:
        sys.exit(__doc__)
    if shutil.which("valgrind") is None:
        sys.exit("instructions: valgrind is not installed (apt-get install valgrind)")
    data = subset(int(os.environ.get("INSTR_PATIENTS", "20000")))
    top = int(os.environ.get("INSTR_TOP", "25"))
    for binary in binaries:
        total, functions = count(binary, data, top)
        print(f"== {binary}\n{total.strip()}")
        for line in functions:
            print("  " + line.strip()[:150])


if __name__ == "__main__":
    main()
