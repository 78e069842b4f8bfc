#!/usr/bin/env bash
# Micro-benchmarks of tvp's hot paths (package-benchmark), and the regression gate over them.
#
#   benchmarks/hot-paths/run.sh [run] [plugin options]   run them all, print p0…p100 per benchmark
#   benchmarks/hot-paths/run.sh baseline [NAME]          run them and store the result as baseline NAME
#   benchmarks/hot-paths/run.sh check [NAME] [OTHER]     run them (or take baseline OTHER) and compare with
#                                              baseline NAME under the tolerances in Tolerance.swift;
#                                              a run that is worse is repeated once, and only a
#                                              second worse run is a regression
#
# NAME defaults to "reference". Baselines stay in benchmarks/hot-paths/.benchmarkBaselines/, untracked: they
# describe one machine on one day, so record one where you check, just before the change.
# Exit codes: 0 success (check: within tolerance or better), 1 error, 2 regression.
set -uo pipefail
cd "$(dirname "$0")"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

# The figures depend on what else the machine runs: say so next to them.
report_load() {
    [ -r /proc/loadavg ] && echo "run.sh: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
    return 0
}

command=${1:-run}
[ $# -gt 0 ] && shift

case "$command" in
run)
    report_load
    exec swift package benchmark --no-progress "$@"
    ;;
baseline)
    name=${1:-reference}
    [ $# -gt 0 ] && shift
    report_load
    exec swift package --allow-writing-to-package-directory benchmark baseline update "$name" --no-progress "$@"
    ;;
check)
    name=${1:-reference}
    [ $# -gt 0 ] && shift
    if [ ! -d .benchmarkBaselines ] || ! ls .benchmarkBaselines/*/"$name" >/dev/null 2>&1; then
        echo "run.sh: no baseline named '$name'; record one first with: benchmarks/hot-paths/run.sh baseline $name" >&2
        exit 1
    fi
    output=$(mktemp)
    trap 'rm -f "$output"' EXIT
    # A neighbour can slow even the fastest sample of a run, so a regression counts only when a
    # second run shows it too.
    for attempt in 1 2; do
        report_load
        swift package benchmark baseline check "$name" "$@" --no-progress 2>&1 | tee "$output"
        status=${PIPESTATUS[0]}
        # The plugin reports its verdict by throwing, which `swift package` turns into exit 1
        # whatever the verdict was, so read it from the tool's last words.
        if grep -a -q -e "is WITHIN the" -e "is BETTER than" "$output"; then
            exit 0
        elif ! grep -a -q "is WORSE than" "$output"; then
            echo "run.sh: the check ended without a verdict (exit $status)" >&2
            exit 1
        elif [ "$attempt" = 1 ]; then
            echo "run.sh: worse than '$name'; running again to tell a regression from a busy machine" >&2
        fi
    done
    echo "run.sh: worse than '$name' twice in a row: a regression" >&2
    exit 2
    ;;
help | -h | --help)
    usage
    ;;
*)
    usage >&2
    exit 1
    ;;
esac
