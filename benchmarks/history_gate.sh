#!/usr/bin/env bash
# The history gate measured: `tvp compare --history` (each cell against the band of its own stored
# history) beside today's two-run `tvp compare` (against the newest stored run) on the same runs.
# Prints one line per case with both rates; the raw runs, the store and every verdict stay in $OUT.
#
#   TVP_BIN=.build/release benchmarks/history_gate.sh     # about 20 minutes on 2 cores with the defaults
#
# Cases: A/A (further runs of the same build: every exit 2 is a false alarm), wrapper (the worker
# behind `#!/bin/sh` + `exec tvp-worker "$@"`, one more exec per task: process cells only should be
# flagged), hog (a busy loop on one CPU during the run), slow (hashing that does 10 % more work per
# byte: libslower_sha256.so preloaded into tvp, benchmarks/c/slower_sha256.c; the static worker does
# not load it, so the in-process cells should be flagged and process cells not). Knobs (environment):
# HISTORY_RUNS (20: `tvp compare --history`'s default window, what a CI history holds once it has
# filled; issue 25 asks for at least 12, and with 12 the threads cells' bands are wider: see
# docs/history.md), AA_RUNS (20), WRAP_RUNS (10), HOG_RUNS (10), SLOW_RUNS (10), SCENARIO
# (scenarios/ci.yaml), OUT. JUDGE_ONLY=1 with the OUT of an earlier measurement judges its runs again
# (with this TVP_BIN's rule) without running anything: two rules compared on the same runs.
# Run it on a quiet machine: other load is what the A/A part must not mistake for a regression.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
locate_tvp tvp tvp-worker
cd "$repo"
output_folder out OUT history-gate

scenario=${SCENARIO:-scenarios/ci.yaml}
history_runs=${HISTORY_RUNS:-20}
aa_runs=${AA_RUNS:-20}
wrap_runs=${WRAP_RUNS:-10}
hog_runs=${HOG_RUNS:-10}
slow_runs=${SLOW_RUNS:-10}
store="$out/history.sqlite"

# One more exec per task, nothing else: the worker behind a shell script.
wrapped="$out/wrapped-worker"
printf '#!/bin/sh\nexec %s/tvp-worker "$@"\n' "$bin" > "$wrapped"
chmod +x "$wrapped"
# 10 % more hashing work per byte in tvp's own process (the C references' build makes the library).
build_references
slower="$refs/libslower_sha256.so"
[[ -f "$slower" ]] || fail "$slower was not built"
hog_pid=
stop_hog() { [ -n "$hog_pid" ] && kill "$hog_pid" 2>/dev/null; wait "$hog_pid" 2>/dev/null || true; hog_pid=; }
trap stop_hog EXIT

run_ci() { # folder store [env...]: one run of the scenario into folder
    local folder=$1 into=$2; shift 2
    env "$@" "$bin/tvp" run "$scenario" --out "$folder" --store "$into" --quiet --no-plot --yes > /dev/null 2>&1 || true
}

if [[ -z "${JUDGE_ONLY:-}" ]]; then
    # New runs go into a folder of their own: an earlier measurement's store and runs would be
    # mixed into this one's history and counts.
    [[ -e "$store" || -d "$out/history" ]] && fail "$out already holds a measurement; set OUT to a new folder (or JUDGE_ONLY=1 to judge that one again)"
    echo "history_gate.sh: $history_runs history runs, then $aa_runs A/A, $wrap_runs wrapper, $hog_runs hog and $slow_runs slower-hashing runs of $scenario; raw data in $out" >&2
    machine_header >&2
    for ((i = 1; i <= history_runs; i++)); do run_ci "$out/history" "$store"; done

    # Judged runs interleaved, so that they share the machine's slow drift; none is stored.
    for ((i = 1; i <= aa_runs || i <= wrap_runs || i <= hog_runs || i <= slow_runs; i++)); do
        ((i <= aa_runs)) && run_ci "$out/aa" none
        ((i <= wrap_runs)) && run_ci "$out/wrap" none TVP_WORKER="$wrapped"
        if ((i <= hog_runs)); then
            sh -c 'while :; do :; done' & hog_pid=$!
            sleep 1
            run_ci "$out/hog" none
            stop_hog
        fi
        ((i <= slow_runs)) && run_ci "$out/slow" none LD_PRELOAD="$slower"
    done
else
    [[ -f "$store" ]] || fail "JUDGE_ONLY: $store is missing; point OUT at an earlier measurement"
    echo "history_gate.sh: judging the runs in $out again with $bin/tvp" >&2
fi
newest=$(ls -d "$out"/history/*/ | tail -n 1)

judge() { # case run: both verdicts' exit status and the flagged cells, as one TSV line
    local kind=$1 run=$2 history two
    set +e
    "$bin/tvp" compare --history "$store" "$run" --format json > "$run/history.json" 2>/dev/null; history=$?
    "$bin/tvp" compare "$newest" "$run" --format json > "$run/two-run.json" 2>/dev/null; two=$?
    set -e
    flagged=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(",".join(c["cell"]["label"] for c in d["cells"] if c["verdict"]=="regression"))' "$run/history.json" 2>/dev/null || echo "?")
    echo -e "$kind\t$(basename "$run")\t$history\t$two\t$flagged"
}
: > "$out/verdicts.tsv"
for kind in aa wrap hog slow; do
    for run in "$out/$kind"/*/; do judge "$kind" "${run%/}" >> "$out/verdicts.tsv"; done
done

# Per case: how many runs each rule failed (exit 2), and for --history which cells it flagged:
# wrapper runs should flag process cells only, slower-hashing runs cpu serial and threads cells
# (and no process cell: the static worker hashes as before).
echo "| case | runs | --history: exit 2 | two-run compare: exit 2 | --history flagged |"
echo "| --- | ---: | ---: | ---: | --- |"
for kind in aa wrap hog slow; do
    awk -F'\t' -v kind="$kind" '$1 == kind {
        n++; h += ($3 == 2); t += ($4 == 2)
        if ($3 != 2) next
        flagged++; only = 1; serial = 0; threads = 0; process = 0
        split($5, cells, ",")
        for (c in cells) {
            if (cells[c] ~ /process/) process = 1; else only = 0
            if (cells[c] ~ /^cpu/ && cells[c] ~ /serial/) serial = 1
            if (cells[c] ~ /^cpu/ && cells[c] ~ /threads/) threads = 1
        }
        onlyp += only; both += (serial && threads); anyp += process
    } END {
        if (kind == "wrap") detail = sprintf("only process cells in %d of %d", onlyp, flagged)
        else if (kind == "slow") detail = sprintf("cpu serial and threads in %d of %d; a process cell in %d", both, flagged, anyp)
        else detail = "–"
        printf "| %s | %d | %d | %d | %s |\n", kind, n, h, t, detail
    }' "$out/verdicts.tsv"
done
echo
echo "load average at the end: $(load); verdicts: $out/verdicts.tsv"
