#!/usr/bin/env bash
# sharing.sh — tvp's per-update costs of tally, alloc and refs against C implementations of the same
# variants with the same primitives (benchmarks/c/tally.c, alloc.c, refs.c), side by side.
#
#   benchmarks/sharing.sh
#
# Environment:
#   TVP_BIN=DIR        a release build folder holding tvp and tvp-worker (default: swift build -c release)
#   SHARING_ROUNDS=N   paired rounds (default 3)
#   SHARING_OUT=DIR    where raw outputs and the tvp runs go (default: a new folder under /tmp)
#
# The machine's speed drifts from minute to minute, so the two sides are measured in paired rounds:
# in each round every group of cells (one sync, layout or graph) runs its C references (7
# repetitions each, median) and one tvp run of the same cells (3 counted trials each, median) back
# to back, C first in odd rounds and tvp first in even ones; the verdict of a row is the median over
# the rounds of tvp ÷ C. tvp's `threads` is compared with C threads and tvp's `process-pool` (W worker processes,
# each running its share of the tasks) with C's forked processes. Each side's clock covers starting
# its workers, the updates, sending tables or checksums back and merging.
#
# Exit status: 0 when every row was measured, whether or not it met the 1.5 target (a report);
# 1 when something could not be built or measured.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds="${SHARING_ROUNDS:-3}"
output_folder work SHARING_OUT sharing

need_command python3 "apt-get install -y python3"
machine_header
echo "raw outputs and the tvp runs: $work"
build_references
locate_tvp tvp tvp-worker

# c_group DIR GROUP: the C references of one group, at 1 and 2 threads and 2 processes.
c_group() {
    local dir="$1" group="$2" mode workers
    for cell in threads-1 threads-2 processes-2; do
        mode="${cell%-*}" workers="${cell#*-}"
        case "$group" in
            tally-mutex)
                reference "$dir/tally-mutex-$cell" "$refs/tally" -n 5000000 -s mutex -m "$mode" -w "$workers" -r 7
                [[ $mode == threads ]] && reference "$dir/tally-pi-mutex-$cell" "$refs/tally" -n 5000000 -s pi-mutex -m "$mode" -w "$workers" -r 7 ;;
            tally-atomic | tally-racy)
                reference "$dir/$group-$cell" "$refs/tally" -n 5000000 -s "${group#tally-}" -m "$mode" -w "$workers" -r 7 ;;
            tally-local-*)
                reference "$dir/$group-$cell" "$refs/tally" -n 5000000 -s local -l "${group#tally-local-}" -m "$mode" -w "$workers" -r 7 ;;
            alloc)
                reference "$dir/alloc-$cell" "$refs/alloc" -m "$mode" -w "$workers" -r 7 ;;
            refs-*)
                reference "$dir/$group-$cell" "$refs/refs" -g "${group#refs-}" -m "$mode" -w "$workers" -r 7 ;;
        esac
    done
}

# tvp_group DIR GROUP: one tvp run of the group's cells (threads and process-pool, 1 and 2
# workers; as the C programs run: 4 tasks; 5 M updates of 256 bins (scenarios/sharing.yaml's),
# 1 M replacements of 1000 × 64 B blocks, 2.5 M steps through 256 nodes).
tvp_group() {
    local dir="$1" group="$2" workload
    case "$group" in
        tally-mutex) workload="tally: { updates: 5000000, bins: 256, sync: [mutex, swift-mutex] }" ;;
        tally-atomic | tally-racy) workload="tally: { updates: 5000000, bins: 256, sync: ${group#tally-} }" ;;
        tally-local-*) workload="tally: { updates: 5000000, bins: 256, sync: local, layout: ${group#tally-local-} }" ;;
        alloc) workload="alloc: { updates: 1000000, objects: 1000, object_size: 64 }" ;;
        refs-*) workload="refs: { updates: 2500000, nodes: 256, graph: ${group#refs-} }" ;;
    esac
    cat > "$dir/$group.yaml" <<YAML
name: $group
description: The cells of benchmarks/sharing.sh group $group.
repetitions: 3
warmup: 1
tasks: 4
workers: [1, 2]
modes: [threads, process-pool]
workloads:
  $workload
YAML
    (cd "$repo" && "$bin/tvp" run "$dir/$group.yaml" --out "$dir/tvp" --quiet --no-plot >/dev/null 2>"$dir/$group.tvp.err")
    local code=$?
    if [[ $code -ne 0 && $code -ne 2 ]]; then
        echo "    tvp run of $group failed (status $code): $(tail -n 1 "$dir/$group.tvp.err")"
        status=1
    fi
}

groups=(tally-mutex tally-atomic tally-racy tally-local-packed tally-local-padded alloc refs-shared refs-private)
for round in $(seq 1 "$rounds"); do
    dir="$work/rounds/$round"
    mkdir -p "$dir"
    echo "-- round $round of $rounds   load: $(load)   $(date -u '+%H:%M:%S UTC')"
    for group in "${groups[@]}"; do
        # Each group's two sides run back to back, C first in odd rounds and tvp first in even ones.
        if ((round % 2)); then c_group "$dir" "$group"; tvp_group "$dir" "$group"
        else tvp_group "$dir" "$group"; c_group "$dir" "$group"; fi
    done
done
echo "load at the end: $(load)"

python3 "$here/sharing_report.py" "$work" || status=1
exit $status
