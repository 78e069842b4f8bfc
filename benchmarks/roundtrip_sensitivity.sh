#!/usr/bin/env bash
# roundtrip_sensitivity.sh — what a pipe round trip between two processes is sensitive to, with
# nothing of tvp in it: the bare C round trip (benchmarks/c/pipe_roundtrip.c) against itself with
# one change to the parent's side, the variants alternating round by round.
#
#   benchmarks/roundtrip_sensitivity.sh
#
# Environment:
#   ROUNDS=N          alternating rounds (default 8)
#   ROUND_TRIPS=N     round trips per variant and round (default 10000)
#   TASKSET="-c 0"    run every variant under taskset with these arguments (default: the kernel places)
#
# Variants: the plain blocking read; poll(2) on the reply pipe before the read (-w poll); 500 and
# 1000 ns of work before each request (-b); 300 and 1000 ns after it, before waiting (-a); both
# sides doing tvp's per-task bookkeeping (-k: the child's two clock reads and a result frame's
# layout, the parent's outcome stored in storage allocated inside the clock).
# Prints each variant's median µs per round trip and the median over rounds of its ratio to the
# plain read of the same round. docs/overhead.md ("Row c") reads it: across two CPUs of a VM a
# round trip is slower by far more than the work added, so a process pool's own per-task work
# and its way of waiting show up magnified there, and not on one CPU.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_command python3 "apt-get install -y python3"
build_references
rounds="${ROUNDS:-8}" trips="${ROUND_TRIPS:-10000}"
variants=("read" "-w poll" "-b 500" "-b 1000" "-a 300" "-a 1000" "-k")
machine_header
echo "rounds: $rounds of $trips round trips per variant${TASKSET:+; taskset $TASKSET}"
output_folder work SENSITIVITY_OUT roundtrip
for round in $(seq 1 "$rounds"); do
    for variant in "${variants[@]}"; do
        flags=()
        [[ "$variant" != read ]] && read -r -a flags <<<"$variant"
        # shellcheck disable=SC2086
        figure=$(${TASKSET:+taskset $TASKSET} "$refs/pipe_roundtrip" -n "$trips" -r 1 "${flags[@]}" 2>/dev/null |
                 sed -n 's/^round_trip_median_us=//p')
        [[ -n "$figure" ]] || { echo "pipe_roundtrip $variant failed" >&2; status=1; continue; }
        echo "$round|$variant|$figure" >>"$work/figures"
    done
done
python3 - "$work/figures" <<'PY'
import sys, statistics
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1])]
by_round = {}
for round_, variant, figure in rows:
    by_round.setdefault(round_, {})[variant] = float(figure)
variants = list(dict.fromkeys(v for _, v, _ in rows))
print(f"{'variant':10} {'median µs':>10} {'÷ read (median of rounds)':>27}")
for variant in variants:
    values = [r[variant] for r in by_round.values() if variant in r]
    ratios = [r[variant] / r["read"] for r in by_round.values() if variant in r and "read" in r]
    print(f"{variant:10} {statistics.median(values):10.2f} {statistics.median(ratios):27.2f}")
PY
exit $status
