#!/usr/bin/env bash
# plugin_mmap.sh — does tvp-plugin-worker host a task like a plain C program? (issue 27)
#
#   TVP_BIN=.build/release benchmarks/plugin_mmap.sh [ROUNDS] [ITERATIONS]
#
# Runs will-it-scale's malloc1 (128 MiB malloc, one byte written, free: mmap, one page fault,
# munmap) as a task plugin (c/malloc1_task.c), hosted alternately by tvp-plugin-worker and by
# malloc1_host (c/malloc1_host.c: dlopen, dlsym, one call), ROUNDS rounds (default 11), host first
# in odd rounds and worker first in even ones, ITERATIONS iterations per run (default 20000).
# Prints each run's ns per iteration, wall and CPU (the thread's CPU time, kernel included: what a
# busy machine disturbs least), the medians, and the ratios worker ÷ host (target ≤ 1.03).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds="${1:-11}"
iterations="${2:-20000}"
build_references
locate_tvp tvp-plugin-worker
library="$refs/libmalloc1_task.so"
worker="$bin/tvp-plugin-worker"
machine_header
run_host() { "$refs/malloc1_host" "$library" malloc1 "$iterations" 2>&1 >/dev/null | sed -n 's/^malloc1_ns_per_iter=\([0-9.]*\) malloc1_cpu_ns_per_iter=\([0-9.]*\)$/host \1 \2/p'; }
run_worker() { "$worker" task "plugin;library=$library;symbol=malloc1;parameter=$iterations" tasks=1 0 2>&1 >/dev/null | sed -n 's/^malloc1_ns_per_iter=\([0-9.]*\) malloc1_cpu_ns_per_iter=\([0-9.]*\)$/worker \1 \2/p'; }
{
    for round in $(seq 1 "$rounds"); do
        if (( round % 2 )); then run_host; run_worker; else run_worker; run_host; fi
    done
} | tee /dev/stderr | PYTHONPATH="$here" python3 -c '
import sys
from tvp_results import median
runs = {"host": ([], []), "worker": ([], [])}
for line in sys.stdin:
    who, wall, cpu = line.split()
    runs[who][0].append(float(wall)); runs[who][1].append(float(cpu))
(hw, hc), (ww, wc) = runs["host"], runs["worker"]
print(f"median ns per iteration: host wall {median(hw):.0f} cpu {median(hc):.0f}; "
      f"worker wall {median(ww):.0f} cpu {median(wc):.0f}")
print(f"worker / host: wall {median(ww)/median(hw):.3f}, cpu {median(wc)/median(hc):.3f} (target <= 1.03)")
'
echo "load after: $(load)"
