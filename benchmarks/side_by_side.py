#!/usr/bin/env python3
"""Per-round ratios of two variants in one tvp run: examples/cpu-plugin/side-by-side.yaml.

Every round of a run holds one counted trial of every cell (in shuffled order), so the plugin's
trial and the built-in task's trial of the same mode and workers ran minutes apart at most; the
ratio of the two in each round cancels the machine's drift, and the median of those ratios (with a
95 % bootstrap interval, seeded) says whether the plugin is slower.

    benchmarks/side_by_side.py RUN_DIR/trials.csv
"""
import collections
import csv
import random
import statistics
import sys


def variant(row):
    if row["workload"] == "plugin":
        return "plugin " + row["plugin_parameter"]
    return row["workload"]


def main(path):
    rows = [r for r in csv.DictReader(open(path)) if r["warmup"] == "false" and r["ok"] == "true"]
    rounds = collections.defaultdict(dict)
    for r in rows:
        rounds[(r["mode"], int(r["workers"]), r["round"])][variant(r)] = r
    rng = random.Random(42)

    def table(a, b, column, title):
        print(f"\n{title}: {b} ÷ {a}, column {column}\n")
        print(f"| mode | workers | {a} median | {b} median | per-round ratio, median | 95 % interval | rounds |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for mode, workers in sorted({(m, w) for (m, w, _) in rounds}):
            xs, ys, ratios = [], [], []
            for (m, w, _), cells in rounds.items():
                if (m, w) != (mode, workers) or a not in cells or b not in cells:
                    continue
                x, y = cells[a][column], cells[b][column]
                if x and y and float(x) > 0:
                    xs.append(float(x))
                    ys.append(float(y))
                    ratios.append(float(y) / float(x))
            if not ratios:
                continue
            medians = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(2000))
            print(f"| {mode} | {workers} | {statistics.median(xs):.4g} | {statistics.median(ys):.4g} | "
                  f"{statistics.median(ratios):.3f} | {medians[50]:.3f}–{medians[1949]:.3f} | {len(ratios)} |")

    table("cpu", "plugin 8388608", "wall_s", "Wall time of a trial")
    table("cpu", "plugin 8388608", "task_p50_us", "Median duration of a task")
    table("null", "plugin 0", "wall_s", "Wall time of a trial of tasks that (almost) do nothing")
    # Schema 4 calls it spawn_p50_us; schema 3 startup_p50_us.
    spawn = "spawn_p50_us" if rows and "spawn_p50_us" in rows[0] else "startup_p50_us"
    table("null", "plugin 0", spawn, "Process start-up: spawn to the worker's main")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
