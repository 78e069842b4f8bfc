#!/usr/bin/env python3
"""The report of benchmarks/gate.sh: false alarms and detections of `tvp compare` and `tvp paired`.

    python3 benchmarks/gate_report.py OUT     # OUT: the folder gate.sh wrote
"""
import collections
import os
import sys

from tvp_results import regressions


def is_process_mode(mode):
    return mode in ("processes", "process-pool")


def cross_run(out):
    rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(out, "compare.tsv")) if line.strip()]
    lines = ["### `tvp compare` (one run per side, default options)", "",
             "| comparison | pairs | exit 2 | share | cells flagged most often |", "| --- | ---: | ---: | ---: | --- |"]
    for kind, title in (("aa", "A/A: quiet vs quiet, same build"), ("hog", "quiet baseline vs run with a CPU hog"),
                        ("wrap", "quiet baseline vs worker behind a shell wrapper")):
        group = [r for r in rows if r[0] == kind]
        if not group:
            continue
        alarms = [r for r in group if r[3] == "2"]
        cells = collections.Counter()
        for r in alarms:
            name = f"{os.path.basename(r[1])}-{os.path.basename(r[2])}.json"
            cells.update(label for label, _ in regressions(os.path.join(out, "compare", name)))
        top = ", ".join(f"{label} ({n})" for label, n in cells.most_common(4)) or "–"
        lines.append(f"| {title} | {len(group)} | {len(alarms)} | {100 * len(alarms) / len(group):.1f} % | {top} |")
    return lines


def paired(out):
    path = os.path.join(out, "paired.tsv")
    if not os.path.exists(path):
        return []
    rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
    lines = ["", "### `tvp paired` (both builds interleaved in one job, default options)", "",
             "| comparison | tries | exit 2 | tries flagging only process cells | tries flagging a thread or serial cell | cells flagged |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for kind, title in (("aa", "A/A: two copies of one build"), ("wrap", "worker behind a shell wrapper")):
        group = [r for r in rows if r[0] == kind]
        if not group:
            continue
        alarms, only_process, other = 0, 0, 0
        cells = collections.Counter()
        for r in group:
            if r[2] != "2":
                continue
            alarms += 1
            found = regressions(r[3])
            cells.update(label for label, _ in found)
            if all(is_process_mode(mode) for _, mode in found):
                only_process += 1
            else:
                other += 1
        top = ", ".join(f"{label} ({n})" for label, n in cells.most_common(6)) or "–"
        lines.append(f"| {title} | {len(group)} | {alarms} | {only_process} | {other} | {top} |")
    return lines


def main():
    out = sys.argv[1]
    print("\n".join(cross_run(out) + paired(out)))


if __name__ == "__main__":
    main()
