#!/usr/bin/env bash
# callgrind_counts.sh — proves that the release build really does the work the sharing workloads
# time: per update, the calls to the allocator, to pthread_mutex_lock, to swift_retain and
# swift_release, and the instructions executed, counted by callgrind (deterministic, unlike time).
#
#   benchmarks/callgrind_counts.sh [--check]
#
# Each case runs `tvp-worker task ...` (the same compiled task code tvp runs in-process: the
# TVPWorkloads module is linked into both) twice under callgrind, at SMALL and LARGE updates; the
# difference divided by the difference in updates is the cost of one update (start-up cancels).
# The `tally` cases with a shared table get a table made here in /dev/shm in the layout tvp's
# TallyTable creates (a zeroed pthread mutex is a valid default mutex) and removed afterwards.
# The C references of `refs` and `alloc` (benchmarks/build/) are counted the same way.
#
# With --check, exits 2 unless each case calls what it must once per update (refs: one
# swift_retain and one swift_release; alloc: one malloc and one free; tally mutex: one
# pthread_mutex_lock). Environment: TVP_BIN (a release build folder; default: swift build -c
# release), SMALL and LARGE (default 100000 and 200000 updates).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
small="${SMALL:-100000}"
large="${LARGE:-200000}"
check=0
[[ "${1:-}" == "--check" ]] && check=1
need_command valgrind "apt-get install -y valgrind"
need_command objcopy "apt-get install -y binutils"
locate_tvp tvp-worker
worker="$bin/tvp-worker"
work="$(mktemp -d /tmp/tvp-callgrind.XXXXXX)"
tables=()
cleanup() { rm -rf "$work"; for name in "${tables[@]}"; do rm -f "/dev/shm/$name"; done; }
trap cleanup EXIT

# Valgrind 3.19 (Debian 12) gives up on the DWARF 5 debug info of Swift 6's static executables
# ("Possibly corrupted debuginfo file"); callgrind names functions from the symbol table, so a
# copy without the debug sections profiles the same code under the same names.
built_worker="$worker"
worker="$work/tvp-worker"
objcopy --strip-debug "$built_worker" "$worker" || fail "could not copy $built_worker without its debug info"

# A tvp tally table of 256 bins and no per-worker tables, as TallyTable.create lays it out.
make_table() {
    local name="$1"
    tables+=("$name")
    python3 - "/dev/shm/$name" <<'PY'
import struct, sys
# magic "tvpTally", bins, per-worker tables, padded; the mutex (zeroed) from byte 64, counts from 128.
header = struct.pack("<4Q", 0x7476_7054_616C_6C79, 256, 0, 0)
with open(sys.argv[1], "wb") as f:
    f.write(header.ljust(128, b"\0") + bytes(256 * 8))
PY
}

# count NAME COMMAND_PREFIX_WITH_@N@ FUNCTION... : profiles the command at both sizes.
count() {
    local name="$1" template="$2"; shift 2
    local outs=()
    for n in "$small" "$large"; do
        local command="${template//@N@/$n}"
        # shellcheck disable=SC2086
        if ! valgrind --tool=callgrind --callgrind-out-file="$work/$name.$n" $command >"$work/$name.$n.log" 2>&1; then
            echo "$name: the run under callgrind failed:"; sed 's/^/    /' "$work/$name.$n.log" | tail -5
            status=1
            return 1
        fi
    done
    python3 "$here/callgrind_counts.py" "$work/$name.$small" "$small" "$work/$name.$large" "$large" "$@" | sed "s/^/$name: /"
}

results="$work/results.txt"
: >"$results"
run() { count "$@" | tee -a "$results"; }

echo "tvp-worker: $built_worker (profiled without its debug sections)   updates: $small and $large"
run refs "$worker task refs;updates=@N@;nodes=256;graph=private - 0" swift_retain swift_release
run alloc "$worker task alloc;updates=@N@;objects=1000;object_size=64 - 0" malloc free
run tally-local "$worker task tally;updates=@N@;bins=256;sync=local;layout=packed - 0" pthread_mutex_lock
for sync in mutex atomic racy; do
    make_table "tvp-callgrind-$$-$sync"
    run "tally-$sync" "$worker task tally;updates=@N@;bins=256;sync=$sync;layout=packed table=/tvp-callgrind-$$-$sync;bins=256 0" pthread_mutex_lock pthread_mutex_unlock
done
if [[ -x "$refs/refs" && -x "$refs/alloc" ]]; then
    run c-refs "$refs/refs -g private -w 1 -t 1 -r 1 -n @N@"
    run c-alloc "$refs/alloc -w 1 -t 1 -r 1 -n @N@"
else
    echo "(C references not built: benchmarks/build.sh builds them)"
fi

if ((check)); then
    need() { # need NAME KEY MINIMUM
        local value
        value="$(awk -F= -v key="$1: $2" '$1 == key { print $2 }' "$results")"
        if [[ -z "$value" ]] || ! python3 -c "import sys; sys.exit(0 if float('$value') >= $3 else 1)"; then
            echo "FAIL: $1 $2 is ${value:-missing}, expected at least $3"
            status=2
        else
            echo "PASS: $1 $2 = $value (at least $3)"
        fi
    }
    need refs "calls_per_update[swift_retain]" 1
    need refs "calls_per_update[swift_release]" 1
    need alloc "calls_per_update[malloc]" 1
    need alloc "calls_per_update[free]" 1
    need tally-mutex "calls_per_update[pthread_mutex_lock]" 1
    need tally-local "instructions_per_update" 5
    need tally-atomic "instructions_per_update" 5
    need tally-racy "instructions_per_update" 5
fi
exit $status
