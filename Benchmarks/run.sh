#!/usr/bin/env bash
# Micro-benchmarks of tvp's hot paths (package-benchmark), and the regression gate over them.
#
#   Benchmarks/run.sh [run] [plugin options]   run them all, print p0…p100 per benchmark
#   Benchmarks/run.sh baseline [NAME]          run them and store the result as baseline NAME
#   Benchmarks/run.sh check [NAME] [OTHER]     run them (or take baseline OTHER) and compare with
#                                              baseline NAME under the tolerances in Tolerance.swift
#
# NAME defaults to "reference". Baselines stay in Benchmarks/.benchmarkBaselines/, untracked: they
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
        echo "run.sh: no baseline named '$name'; record one first with: Benchmarks/run.sh baseline $name" >&2
        exit 1
    fi
    report_load
    output=$(mktemp)
    trap 'rm -f "$output"' EXIT
    swift package benchmark baseline check "$name" "$@" --no-progress 2>&1 | tee "$output"
    status=${PIPESTATUS[0]}
    # The plugin reports a verdict through a thrown error, which `swift package` turns into exit 1
    # whatever it was, so read the verdict from the tool's last words.
    if grep -a -q "is WORSE than" "$output"; then
        exit 2
    elif grep -a -q -e "is WITHIN the" -e "is BETTER than" "$output"; then
        exit 0
    fi
    echo "run.sh: the check ended without a verdict (exit $status)" >&2
    exit 1
    ;;
help | -h | --help)
    usage
    ;;
*)
    usage >&2
    exit 1
    ;;
esac
