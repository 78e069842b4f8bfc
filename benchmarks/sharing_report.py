#!/usr/bin/env python3
"""Prints the side-by-side table of benchmarks/sharing.sh: tvp's per-update costs against C's.

    sharing_report.py WORK_DIR

WORK_DIR/rounds/N/ holds one paired round: NAME.out, the key=value output of a C reference
(tally-SYNC[-LAYOUT]-MODE-WORKERS, alloc-MODE-WORKERS, refs-GRAPH-MODE-WORKERS), and tvp/*/summary.csv,
the round's tvp runs (one per group of cells). Each row pairs a tvp cell with a C reference; its figures are the
medians over the rounds, its ratio the median over the rounds of tvp ÷ C (so drift between rounds
cancels). Rows whose ratio exceeds 1.5 say so; Swift's own Mutex is compared with C's plain
pthread mutex and with a priority-inheriting one (the futex operation it uses), as a finding.

Exit status: 0 when every row was measured, 1 when some could not be.
"""

import glob
import os
import sys

from tvp_results import Missing, Summary, median, number, reference_output, run_folders

TARGET = 1.5

# (label, group, tvp variant, tvp mode, workers, C reference file stem, note). The group is the
# tvp run (scenario name) the cell is read from: sharing.sh runs each group of cells on its own, and
# a cell can appear in two groups' runs (a worker process always builds its own graph, so the
# refs-shared run has refs[private] process-pool cells too); each row reads its own group's.
ROWS = []
for sync in ("mutex", "atomic", "racy"):
    ROWS += [(f"tally {sync}", f"tally-{sync}", f"tally[{sync}]", "threads", 1, f"tally-{sync}-threads-1", ""),
             (f"tally {sync}", f"tally-{sync}", f"tally[{sync}]", "threads", 2, f"tally-{sync}-threads-2", ""),
             (f"tally {sync}", f"tally-{sync}", f"tally[{sync}]", "process-pool", 2, f"tally-{sync}-processes-2", "")]
for layout in ("packed", "padded"):
    group = f"tally-local-{layout}"
    ROWS += [(f"tally local {layout}", group, f"tally[local {layout}]", "threads", 1, f"{group}-threads-1", ""),
             (f"tally local {layout}", group, f"tally[local {layout}]", "threads", 2, f"{group}-threads-2", ""),
             (f"tally local {layout}", group, f"tally[local {layout}]", "process-pool", 2, f"{group}-processes-2", "")]
for workers in (1, 2):
    ROWS += [("tally swift-mutex", "tally-mutex", "tally[swift-mutex]", "threads", workers, f"tally-mutex-threads-{workers}",
              "vs pthread mutex"),
             ("tally swift-mutex", "tally-mutex", "tally[swift-mutex]", "threads", workers, f"tally-pi-mutex-threads-{workers}",
              "vs PI pthread mutex")]
ROWS += [("alloc", "alloc", "alloc[1000x64B]", "threads", 1, "alloc-threads-1", ""),
         ("alloc", "alloc", "alloc[1000x64B]", "threads", 2, "alloc-threads-2", ""),
         ("alloc", "alloc", "alloc[1000x64B]", "process-pool", 2, "alloc-processes-2", "")]
for graph in ("shared", "private"):
    ROWS += [(f"refs {graph}", f"refs-{graph}", f"refs[{graph}]", "threads", 1, f"refs-{graph}-threads-1", ""),
             (f"refs {graph}", f"refs-{graph}", f"refs[{graph}]", "threads", 2, f"refs-{graph}-threads-2", "")]
ROWS += [("refs private", "refs-private", "refs[private]", "process-pool", 2, "refs-private-processes-2", "")]


def key_values(path):
    """A C reference's key=value output; empty when it failed (its row is then not measured)."""
    try:
        return reference_output(path)
    except Missing:
        return {}


def tvp_cells(round_dir):
    """(group, variant, mode, workers) → (per_update_ns, lost_updates_median) of the round's tvp
    runs, one per group (its scenario's name)."""
    cells = {}
    for run in run_folders(os.path.join(round_dir, "tvp")):
        for row in Summary(run).rows:
            cost = number(row, "per_update_ns")
            if cost is not None:
                cell = (row["scenario"], row["variant"], row["mode"], int(row["workers"]))
                cells[cell] = (cost, number(row, "lost_updates_median"))
    return cells


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    rounds = sorted(glob.glob(os.path.join(argv[1], "rounds", "*")), key=lambda p: int(os.path.basename(p)))
    if not rounds:
        sys.exit(f"sharing_report.py: no rounds under {argv[1]}/rounds")
    per_round = [(tvp_cells(r), r) for r in rounds]
    print(f"\n{len(rounds)} paired rounds; figures are medians over the rounds, ns per update "
          f"(tally: an increment; alloc: a free and a malloc; refs: a step, one retain and one release)\n")
    header = ("what", "tvp cell", "tvp ns", "C ns", "tvp ÷ C", "lost (tvp / C)", f"≤ {TARGET}")
    lines = []
    missing = []
    for label, group, variant, mode, workers, stem, note in ROWS:
        tvp, c, ratios, lost_tvp, lost_c = [], [], [], [], []
        for cells, round_dir in per_round:
            mine = cells.get((group, variant, mode, workers))
            theirs = key_values(os.path.join(round_dir, stem + ".out"))
            if mine is None or "per_update_median_ns" not in theirs:
                continue
            reference = float(theirs["per_update_median_ns"])
            tvp.append(mine[0])
            c.append(reference)
            ratios.append(mine[0] / reference)
            if mine[1] is not None:
                lost_tvp.append(mine[1])
            if "lost_median" in theirs:
                lost_c.append(float(theirs["lost_median"]))
        cell = f"{variant} {mode}×{workers}"
        if not ratios:
            missing.append(f"{cell} against {stem}: not measured in any round")
            continue
        ratio = median(ratios)
        lost = ""
        if label.startswith("tally racy"):
            lost = f"{median(lost_tvp):,.0f} / {median(lost_c):,.0f}" if lost_tvp and lost_c else "?"
        verdict = "yes" if ratio <= TARGET else "NO"
        if note:
            verdict += f" ({note})"
        lines.append((label, cell, f"{median(tvp):.2f}", f"{median(c):.2f}",
                      f"{ratio:.2f} [{min(ratios):.2f}–{max(ratios):.2f}]", lost, verdict))
    widths = [max(len(str(row[i])) for row in [header] + lines) for i in range(len(header))]
    for row in [header] + lines:
        print("  ".join(str(field).ljust(width) for field, width in zip(row, widths)))
    for problem in missing:
        print(f"n/a: {problem}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
