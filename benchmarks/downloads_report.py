#!/usr/bin/env python3
"""Summarises a downloads.sh folder: median wall time per client and width, tvp's next to Python's
and curl's, with throughput (downloads per second), peak threads, peak memory and whether the
digests agree. Usage: downloads_report.py OUT_DIR"""
import os
import sys
from collections import defaultdict

from tvp_results import TRIALS, counted_trials, median, read_csv, run_folders


def main(out):
    rows = defaultdict(list)
    digests = defaultdict(set)
    for r in read_csv(os.path.join(out, "clients.csv"))[1]:
        key = (r["keep_alive"], int(r["workers"].split("/")[-1]), r["client"] + ("" if "/" not in r["workers"] else " (300 in flight)"))
        rows[key].append((float(r["wall_s"]), int(r["tasks"]), int(r["peak_threads"]), int(r["max_rss_kib"]), int(r["errors"])))
        if r["digest"]:
            digests[(r["keep_alive"], int(r["tasks"]))].add(r["digest"])
    # Each round's tvp run is a run of its own, so the median over rounds is not one tvp wrote: it
    # is computed below, as for the clients. Failed trials count, as the clients' failed runs do.
    for run in run_folders(os.path.join(out, "tvp"), holding=TRIALS):
        for r in counted_trials(run, failed=True):
            if r["mode"] == "serial":
                continue
            ka = "1" if r["keep_alive"] == "true" else "0"
            key = (ka, int(r["workers"]), "tvp " + r["mode"])
            rows[key].append((float(r["wall_s"]), int(r["tasks"]), int(r["os_threads_max"]), int(r["tvp_max_rss_kib"]),
                              int(r["connection_errors"])))
            if r["digest"]:
                digests[(ka, int(r["tasks"]))].add(r["digest"])
    print("| keep-alive | in flight | client | tasks | median wall | downloads/s | peak threads | peak RSS MiB | errors | trials |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(rows):
        ka, workers, client = key
        values = rows[key]
        wall = median([v[0] for v in values])
        tasks = values[0][1]
        print(f"| {'yes' if ka == '1' else 'no'} | {workers} | {client} | {tasks} | {wall * 1000:.0f} ms | {tasks / wall:,.0f} | "
              f"{max(v[2] for v in values)} | {max(v[3] for v in values) / 1024:.1f} | {sum(v[4] for v in values)} | {len(values)} |")
    disagree = {k: v for k, v in digests.items() if len(v) > 1}
    print()
    print("Digests: " + ("every client and tvp agree at every task count." if not disagree else f"DISAGREE at {sorted(disagree)}"))


if __name__ == "__main__":
    main(sys.argv[1])
