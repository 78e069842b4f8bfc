#!/usr/bin/env bash
# The regression gate measured: false alarms of `tvp compare` between runs of one build (A/A), and
# what it catches (a run made while a CPU hog runs; a worker slowed by one more exec per task), then
# the same for `tvp paired`. Prints a Markdown report; the raw runs stay in $OUT.
#
#   TVP_BIN=.build/release benchmarks/gate.sh            # about an hour on 2 cores
#
# Knobs (environment): AA_RUNS (13 runs of the same build back to back), HOG_RUNS (5), WRAP_RUNS (5),
# PAIRED_TRIES (10 A/A and 10 wrapper tries of `tvp paired`), SCENARIO (scenarios/ci.yaml), OUT.
# Run it on a quiet machine: other load is what the A/A part must not mistake for a regression,
# and it would also blur what the detection part measures.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
locate_tvp tvp tvp-worker
cd "$repo" # SCENARIO and OUT may be given relative to the checkout
output_folder out OUT gate

scenario=${SCENARIO:-scenarios/ci.yaml}
aa_runs=${AA_RUNS:-13}
hog_runs=${HOG_RUNS:-5}
wrap_runs=${WRAP_RUNS:-5}
paired_tries=${PAIRED_TRIES:-10}

# Two builds that are the same code (copies, so each finds its worker beside it), and one whose
# worker is a shell script that execs the real worker: one more exec per task, nothing else.
same_a="$out/build-a" same_b="$out/build-b" wrapped="$out/build-wrapped"
mkdir -p "$same_a" "$same_b" "$wrapped"
cp "$bin/tvp" "$bin/tvp-worker" "$same_a/"
cp "$bin/tvp" "$bin/tvp-worker" "$same_b/"
cp "$bin/tvp" "$wrapped/"
printf '#!/bin/sh\nexec %s/tvp-worker "$@"\n' "$same_a" > "$wrapped/tvp-worker"
chmod +x "$wrapped/tvp-worker"
tvp="$same_a/tvp"

hog_pid=
stop_hog() { [ -n "$hog_pid" ] && kill "$hog_pid" 2>/dev/null; wait "$hog_pid" 2>/dev/null || true; hog_pid=; }
trap stop_hog EXIT

run_ci() { # folder [env...]
    local folder=$1; shift
    env "$@" "$tvp" run "$scenario" --out "$folder" --quiet --no-plot --yes > /dev/null 2>&1 || true
}

echo "gate.sh: $aa_runs quiet, $hog_runs hog and $wrap_runs wrapper runs of $scenario, then $paired_tries+$paired_tries paired tries; raw data in $out" >&2
# Quiet, hog and wrapper runs interleaved, so that they share the machine's slow drift.
for ((i = 1; i <= aa_runs; i++)); do
    run_ci "$out/quiet"
    if ((i <= hog_runs)); then
        sh -c 'while :; do :; done' & hog_pid=$!
        sleep 1
        run_ci "$out/hog"
        stop_hog
    fi
    if ((i <= wrap_runs)); then run_ci "$out/wrap" TVP_WORKER="$wrapped/tvp-worker"; fi
done

compare() { # baseline current -> exit status, JSON saved
    local name
    name=$(basename "$1")-$(basename "$2")
    set +e
    "$tvp" compare "$1" "$2" --format json > "$out/compare/$name.json" 2>/dev/null
    echo $?
    set -e
}
mkdir -p "$out/compare"
quiet=("$out"/quiet/*) hog=("$out"/hog/*) wrap=("$out"/wrap/*)
: > "$out/compare.tsv"
for a in "${quiet[@]}"; do
    for b in "${quiet[@]}"; do [ "$a" != "$b" ] && echo -e "aa\t$a\t$b\t$(compare "$a" "$b")" >> "$out/compare.tsv"; done
    for b in "${hog[@]}"; do echo -e "hog\t$a\t$b\t$(compare "$a" "$b")" >> "$out/compare.tsv"; done
    for b in "${wrap[@]}"; do echo -e "wrap\t$a\t$b\t$(compare "$a" "$b")" >> "$out/compare.tsv"; done
done

: > "$out/paired.tsv"
for ((i = 1; i <= paired_tries; i++)); do
    for kind in aa wrap; do
        current=$same_b
        [ "$kind" = wrap ] && current=$wrapped
        set +e
        "$tvp" paired "$same_a" "$current" "$scenario" --out "$out/paired-$kind" --format json --quiet --seed "$i" \
            > "$out/paired-$kind-$i.json" 2>/dev/null
        status=$?
        set -e
        echo -e "$kind\t$i\t$status\t$out/paired-$kind-$i.json" >> "$out/paired.tsv"
    done
done

python3 benchmarks/gate_report.py "$out"
