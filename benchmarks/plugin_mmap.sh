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
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rounds="${1:-11}"
iterations="${2:-20000}"
bin="${TVP_BIN:-$here/../.build/release}"
"$here/build.sh" 2>/dev/null
library="$here/build/libmalloc1_task.so"
worker="$bin/tvp-plugin-worker"
[[ -x "$worker" ]] || { echo "plugin_mmap.sh: $worker is not an executable; set TVP_BIN" >&2; exit 1; }
echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  cpu: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
run_host() { "$here/build/malloc1_host" "$library" malloc1 "$iterations" 2>&1 >/dev/null | sed -n 's/^malloc1_ns_per_iter=\([0-9.]*\) malloc1_cpu_ns_per_iter=\([0-9.]*\)$/host \1 \2/p'; }
run_worker() { "$worker" task "plugin;lib=$library;sym=malloc1;param=$iterations" tasks=1 0 2>&1 >/dev/null | sed -n 's/^malloc1_ns_per_iter=\([0-9.]*\) malloc1_cpu_ns_per_iter=\([0-9.]*\)$/worker \1 \2/p'; }
{
    for round in $(seq 1 "$rounds"); do
        if (( round % 2 )); then run_host; run_worker; else run_worker; run_host; fi
    done
} | tee /dev/stderr | python3 -c '
import statistics, sys
runs = {"host": ([], []), "worker": ([], [])}
for line in sys.stdin:
    who, wall, cpu = line.split()
    runs[who][0].append(float(wall)); runs[who][1].append(float(cpu))
(hw, hc), (ww, wc) = runs["host"], runs["worker"]
print(f"median ns per iteration: host wall {statistics.median(hw):.0f} cpu {statistics.median(hc):.0f}; "
      f"worker wall {statistics.median(ww):.0f} cpu {statistics.median(wc):.0f}")
print(f"worker / host: wall {statistics.median(ww)/statistics.median(hw):.3f}, cpu {statistics.median(wc)/statistics.median(hc):.3f} (target <= 1.03)")
'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
