#!/usr/bin/env python3
"""Per-round ratios of two variants in one tvp run: examples/cpu-plugin/side-by-side.yaml.

Every round of a run holds one counted trial of every cell (in shuffled order), so the plugin's
trial and the built-in task's trial of the same mode and workers ran minutes apart at most; the
ratio of the two in each round cancels the machine's drift, and the median of those ratios (with a
95 % bootstrap interval, seeded) says whether the plugin is slower. The two cells' own medians are
tvp's, from the run's summary.csv.

    benchmarks/side_by_side.py RUN_DIR/trials.csv      (or RUN_DIR)
"""
import collections
import random
import sys

from tvp_results import Missing, Summary, bootstrap_interval, counted_trials, median


def variant(row):
    if row["workload"] == "plugin":
        return "plugin " + row["plugin_parameter"]
    return row["workload"]


def summary_cell(name):
    """The summary.csv columns that pick out the cells of `variant` name `name`."""
    if name.startswith("plugin "):
        return {"workload": "plugin", "plugin_parameter": name[len("plugin "):]}
    return {"workload": name}


def main(path):
    rows = counted_trials(path)
    summary = Summary(path)
    rounds = collections.defaultdict(dict)
    for r in rows:
        rounds[(r["mode"], int(r["workers"]), r["round"])][variant(r)] = r
    rng = random.Random(42)

    def cell_median(name, column, mode, workers):
        # summary.csv names the median of a trial column after it (wall_s: wall_median_s).
        summary_column = "wall_median_s" if column == "wall_s" else column
        try:
            value, _ = summary.figure(summary_column, f"{name} / {mode} / {workers}", mode=mode, workers=workers,
                                      **summary_cell(name))
            return f"{value:.4g}"
        except Missing as problem:
            print(f"n/a: {problem}", file=sys.stderr)
            return "n/a"

    def table(a, b, column, title):
        print(f"\n{title}: {b} ÷ {a}, column {column}\n")
        print(f"| mode | workers | {a} median | {b} median | per-round ratio, median | 95 % interval | rounds |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for mode, workers in sorted({(m, w) for (m, w, _) in rounds}):
            ratios = []
            for (m, w, _), cells in rounds.items():
                if (m, w) != (mode, workers) or a not in cells or b not in cells:
                    continue
                x, y = cells[a][column], cells[b][column]
                if x and y and float(x) > 0:
                    ratios.append(float(y) / float(x))
            if not ratios:
                continue
            low, high = bootstrap_interval(ratios, rng)
            print(f"| {mode} | {workers} | {cell_median(a, column, mode, workers)} | {cell_median(b, column, mode, workers)} | "
                  f"{median(ratios):.3f} | {low:.3f}–{high:.3f} | {len(ratios)} |")

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
