#!/usr/bin/env python3
"""Summarises a downloads.sh folder: median wall time per client and width, tvp's next to Python's
and curl's, with throughput (downloads per second), peak threads, peak memory and whether the
digests agree. Usage: downloads_report.py OUT_DIR"""
import csv
import glob
import os
import statistics
import sys
from collections import defaultdict


def main(out):
    rows = defaultdict(list)
    digests = defaultdict(set)
    with open(os.path.join(out, "clients.csv")) as f:
        for r in csv.DictReader(f):
            key = (r["keep_alive"], int(r["workers"].split("/")[-1]), r["client"] + ("" if "/" not in r["workers"] else " (300 in flight)"))
            rows[key].append((float(r["wall_s"]), int(r["tasks"]), int(r["peak_threads"]), int(r["max_rss_kib"]), int(r["errors"])))
            if r["digest"]:
                digests[(r["keep_alive"], int(r["tasks"]))].add(r["digest"])
    for path in glob.glob(os.path.join(out, "tvp", "*", "trials.csv")):
        with open(path) as f:
            for r in csv.DictReader(f):
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
        wall = statistics.median(v[0] for v in values)
        tasks = values[0][1]
        print(f"| {'yes' if ka == '1' else 'no'} | {workers} | {client} | {tasks} | {wall * 1000:.0f} ms | {tasks / wall:,.0f} | "
              f"{max(v[2] for v in values)} | {max(v[3] for v in values) / 1024:.1f} | {sum(v[4] for v in values)} | {len(values)} |")
    disagree = {k: v for k, v in digests.items() if len(v) > 1}
    print()
    print("Digests: " + ("every client and tvp agree at every task count." if not disagree else f"DISAGREE at {sorted(disagree)}"))


if __name__ == "__main__":
    main(sys.argv[1])
