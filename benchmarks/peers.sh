#!/usr/bin/env bash
# peers.sh — tvp's message and responsiveness cells beside independent peers, in the same minutes
# (issue 26): `perf bench sched pipe` (processes, and -T threads) against tvp's pipe ping-pong,
# `perf bench sched messaging` (hackbench: processes and -t threads, sockets and -p pipes) against
# tvp's fan-in, and `cyclictest` (SCHED_OTHER, 1 ms) alone and beside busy hashers against tvp's
# responsiveness foreground under serial and threads. The report prints tvp ÷ peer per row.
#
#   TVP_BIN=.build/release benchmarks/peers.sh
#   benchmarks/peers.sh --self-test        # only the report's unit tests (no measuring)
#
# Environment:
#   TVP_BIN=DIR         a release build folder holding tvp and tvp-worker (default: swift build -c release)
#   PEERS_ROUNDS=N      rounds (default 6: three with the peers first, three with tvp first); each holds every peer and tvp cell once
#   PEERS_REPEAT=N      runs of each peer program per round, their median taken (default 3); tvp
#                       runs 1 warm-up and PEERS_REPEAT counted trials of each cell per round
#   PEERS_ROUND_TRIPS=N ping-pong round trips (perf bench sched pipe -l; tvp round_trips; 20000)
#   PEERS_LOOPS=N       fan-in messages per sender per receiver (perf bench sched messaging -l;
#                       tvp messages; 2000)
#   PEERS_TICKS=N       wake-ups (cyclictest -l; tvp ticks; 1000)
#   PEERS_OUT=DIR       where raw outputs, scenarios and tvp runs go (default: a new folder under /tmp)
#
# Like with like:
# - ping-pong: perf bench sched pipe prints usecs/op, one op being one round trip (two 4-byte
#   messages), the mean over the whole run: total time (its two parties' start-up included) ÷
#   loops. tvp's per_update_ns is also a mean over a whole trial (wall time, the spawn of its two
#   workers or threads included) ÷ messages, and a round trip is two messages: the row compares
#   2 × per_update_ns with usecs/op. tvp's round_trip_p50_us (the median of the timed round trips,
#   start-up excluded) is printed beside it, not judged: it is another statistic. Messages are 4
#   bytes on both sides (perf writes an int).
# - placement: a round trip between two CPUs costs several times one on a single CPU (two
#   wake-ups of an idle vCPU), and where the kernel puts two parties that ping-pong is a coin it
#   tosses anew for every run. So each ping-pong pair of rows is measured three ways: `any` (the
#   kernel places both sides), `packed` (tvp's `affinity: packed`; perf under taskset -c on the
#   same first CPU) and `spread` (tvp's `affinity: spread`; perf's two parties pinned to the first
#   two CPUs by `apart` below). The placed rows compare tvp's own costs; `any` adds the coin.
# - fan-in: hackbench's one group (-g 1) is 20 senders × 20 receivers, 100-byte messages, -l
#   loops; tvp's `group: 40` is the same 20 × 20, `message_size: 100`, `messages` = loops, 40 tasks
#   on 40 workers. What differs (tvp cannot express it): each hackbench receiver reads one socket
#   (or pipe) that all 20 senders write to, in whatever order they arrive; tvp gives every
#   sender–receiver pair its own link and a receiver takes each sender's message in turn, checking
#   it. hackbench starts its timer once every party is ready; tvp's wall time includes spawning its
#   40 workers (spawn_p50_us is printed). The row compares the ratios threads ÷ processes.
# - lateness: cyclictest -m -q -i 1000 -l TICKS -p 0 --policy=other (cyclictest 2.x turns -p 0
#   alone into SCHED_FIFO priority 2: --policy=other keeps it SCHED_OTHER, as tvp's foreground is),
#   with a histogram (-h) from which the p99 is taken as tvp takes its own (linear interpolation
#   between ranks); tvp's lateness_p99_us is the median over its trials of each trial's p99. The
#   load: max(2, nproc) `openssl speed -evp sha256` processes, as many hashers as tvp's `threads`
#   cell has hashing workers (max(2, cpus)). cyclictest by default also holds /dev/cpu_dma_latency
#   at 0 (no deep idle states) while it runs; tvp does not: a second cyclictest,
#   --default-system, runs beside it so the effect of that setting is visible.
#
# Order: each round runs three groups (ping-pong, fan-in, lateness); in each group the peers and
# one tvp run of the group's cells run back to back, peers first in odd rounds and tvp first in even
# ones. A row's verdict is the median over the rounds of the rounds' ratios.
#
# Exit status: 0 when every row was measured, whether or not it met its target (a report);
# 1 when something could not be installed, built or measured.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_command python3 "apt-get install -y python3"
# The report's arithmetic is checked before minutes of measuring depend on it.
python3 "$here/test_peers_report.py" -q 2>&1 | tail -n 1 || fail "the report's unit tests failed (python3 benchmarks/test_peers_report.py)"
[[ "${1:-}" == "--self-test" ]] && exit 0

rounds="${PEERS_ROUNDS:-6}"
repeat="${PEERS_REPEAT:-3}"
round_trips="${PEERS_ROUND_TRIPS:-20000}"
loops="${PEERS_LOOPS:-2000}"
ticks="${PEERS_TICKS:-1000}"
output_folder work PEERS_OUT peers

# perf may be a versioned binary (Debian's linux-perf: perf_6.1); cyclictest is Debian's rt-tests.
perf=$(command -v perf || ls /usr/bin/perf_* 2>/dev/null | sort -V | tail -n 1)
[[ -n "$perf" && -x "$perf" ]] || fail "perf is not installed (apt-get install -y linux-perf)"
need_command cyclictest "apt-get install -y rt-tests"
need_command openssl "apt-get install -y openssl"

hashers=$(( $(nproc) > 2 ? $(nproc) : 2 ))
# The CPUs of this process's affinity mask, in order: `packed` is the first (as tvp's), `spread`
# the first two (one CPU: both on it).
# shellcheck disable=SC2207
cpus=($(python3 -c 'import os; print(*sorted(os.sched_getaffinity(0)))'))
((${#cpus[@]} >= 2)) || cpus+=("${cpus[0]}")

machine_header
echo "perf:    $("$perf" --version)"
echo "cyclictest: $(cyclictest --help 2>&1 | head -n 1)"
echo "rounds: $rounds, peer runs per round: $repeat, round trips: $round_trips, loops: $loops, ticks: $ticks, hashers: $hashers"
echo "raw outputs and the tvp runs: $work"
locate_tvp tvp tvp-worker

# The tvp side of each group: one scenario each, PEERS_REPEAT counted trials of every cell per round.
mkdir -p "$work/scenarios"
cat > "$work/scenarios/pingpong.yaml" <<YAML
name: peers-pingpong
description: benchmarks/peers.sh - one pair bouncing 4-byte messages over pipes, as perf bench sched pipe does, between two worker processes and between two threads, placed by the kernel, on one CPU and on two.
repetitions: $repeat
warmup: 1
seed: 42
tasks: 2
workers: [2]
modes: [threads, processes]
affinity: [any, packed, spread]
workloads:
  message: { pattern: ping-pong, channel: pipe, message_size: 4, round_trips: $round_trips }
YAML
cat > "$work/scenarios/fanin.yaml" <<YAML
name: peers-fanin
description: benchmarks/peers.sh - one hackbench group, 20 senders x 20 receivers, 100-byte messages, over Unix sockets and pipes, as threads and as processes.
repetitions: $repeat
warmup: 1
seed: 42
tasks: 40
workers: [40]
modes: [threads, processes]
workloads:
  message: { pattern: fan-in, channel: [unix, pipe], message_size: 100, messages: $loops, group: 40 }
YAML
# The background outlasts the foreground's ticks on the fastest CPU seen (SHA-256 at ~1.8 GB/s a
# core: 16 × 128 MiB a worker ≈ 1.2 s); serial hashes only two tasks after its ticks alone.
cat > "$work/scenarios/lateness.yaml" <<YAML
name: peers-lateness
description: benchmarks/peers.sh - the responsiveness foreground (1 ms ticks) alone (serial) and beside max(2, cpus) hashing threads.
repetitions: $repeat
warmup: 1
seed: 42
workers: ["max(2, cpus)"]
modes: [serial, threads]
workloads:
  responsiveness: { tick_ms: 1, ticks: $ticks, bytes_per_task: 128MiB, tasks: { serial: 2, threads: "16 * max(2, cpus)" } }
YAML

# tvp_group DIR GROUP: one tvp run of the group's scenario into DIR/tvp-GROUP.
tvp_group() {
    local dir="$1" group="$2" code=0
    (cd "$repo" && "$bin/tvp" run "$work/scenarios/$group.yaml" --out "$dir/tvp-$group" --quiet --no-plot --store none \
        >"$dir/tvp-$group.out" 2>"$dir/tvp-$group.err") || code=$?
    # 2 is a failed expectation; these scenarios have none, but its figures would still be good.
    if [[ $code -ne 0 && $code -ne 2 ]]; then
        echo "    tvp run of $group failed (status $code): $(tail -n 1 "$dir/tvp-$group.err")"
        status=1
    fi
}

# peer_group DIR GROUP: the peers of the group, each PEERS_REPEAT times.
peer_group() {
    local dir="$1" group="$2" k
    for k in $(seq 1 "$repeat"); do
        case "$group" in
            pingpong)
                reference "$dir/perf-pipe-processes-any-$k" "$perf" bench sched pipe -l "$round_trips"
                reference "$dir/perf-pipe-threads-any-$k" "$perf" bench sched pipe -T -l "$round_trips"
                reference "$dir/perf-pipe-processes-packed-$k" taskset -c "${cpus[0]}" "$perf" bench sched pipe -l "$round_trips"
                reference "$dir/perf-pipe-threads-packed-$k" taskset -c "${cpus[0]}" "$perf" bench sched pipe -T -l "$round_trips"
                reference "$dir/perf-pipe-processes-spread-$k" apart "$perf" bench sched pipe -l "$round_trips"
                reference "$dir/perf-pipe-threads-spread-$k" apart "$perf" bench sched pipe -T -l "$round_trips" ;;
            fanin)
                reference "$dir/perf-messaging-processes-unix-$k" "$perf" bench sched messaging -g 1 -l "$loops"
                reference "$dir/perf-messaging-threads-unix-$k" "$perf" bench sched messaging -g 1 -l "$loops" -t
                reference "$dir/perf-messaging-processes-pipe-$k" "$perf" bench sched messaging -g 1 -l "$loops" -p
                reference "$dir/perf-messaging-threads-pipe-$k" "$perf" bench sched messaging -g 1 -l "$loops" -p -t ;;
            lateness)
                cyclic "$dir/cyclictest-alone-$k"
                cyclic "$dir/cyclictest-alone-default-system-$k" --default-system
                loaded "$dir/cyclictest-loaded-$k"
                loaded "$dir/cyclictest-loaded-default-system-$k" --default-system ;;
        esac
    done
}

# apart COMMAND...: runs `perf bench sched pipe [-T]` with its two parties on two CPUs, as tvp's
# `affinity: spread` places its two workers: perf has no option for it, so its tasks are pinned
# with taskset as soon as they exist (the parent and its child, or the main thread and its two
# workers: the parties on cpus[1] and cpus[0], the idle main thread on cpus[0]). The first
# milliseconds, before the pinning, run where the kernel put them.
apart() {
    local pid tasks=() i
    "$@" &
    pid=$!
    for i in $(seq 1 1000); do
        # shellcheck disable=SC2207
        tasks=($(ls "/proc/$pid/task" 2>/dev/null) $(cat "/proc/$pid/task/"*/children 2>/dev/null))
        ((${#tasks[@]} >= 2)) && [[ ! " $* " =~ " -T " || ${#tasks[@]} -ge 3 ]] && break
        sleep 0.001
    done
    for i in "${!tasks[@]}"; do
        taskset -pc "${cpus[$(( (i % 2 == 1) ? 1 : 0 ))]}" "${tasks[$i]}" >/dev/null 2>&1
    done
    wait "$pid"
}

# cyclic FILE [OPTION...]: cyclictest under SCHED_OTHER, its histogram (1 µs buckets up to 100 ms)
# kept without its empty buckets.
cyclic() {
    local file="$1"
    shift
    reference "$file" cyclictest -m -q -i 1000 -l "$ticks" -p 0 --policy=other -h 100000 "$@"
    [[ -f "$file.out" ]] && sed -i '/^[0-9]* 0*$/d' "$file.out"
}

# loaded FILE [OPTION...]: cyclictest beside $hashers busy hashers (openssl speed, the SHA-256 tvp's
# background uses), started first and stopped, by their process ids, once cyclictest is done.
loaded() {
    local file="$1" pids=() i
    shift
    for i in $(seq 1 "$hashers"); do
        openssl speed -elapsed -evp sha256 -bytes 16384 -seconds $(( ticks / 1000 + 30 )) >/dev/null 2>&1 &
        pids+=($!)
    done
    sleep 0.2 # the hashers are hashing before the first wake-up
    cyclic "$file" "$@"
    kill "${pids[@]}" 2>/dev/null
    wait "${pids[@]}" 2>/dev/null
}

groups=(pingpong fanin lateness)
for round in $(seq 1 "$rounds"); do
    dir="$work/rounds/$round"
    mkdir -p "$dir"
    echo "-- round $round of $rounds   load: $(load)   $(date -u '+%H:%M:%S UTC')"
    for group in "${groups[@]}"; do
        if ((round % 2)); then peer_group "$dir" "$group"; tvp_group "$dir" "$group"
        else tvp_group "$dir" "$group"; peer_group "$dir" "$group"; fi
    done
done
echo "load at the end: $(load)   $(date -u '+%H:%M:%S UTC')"

python3 "$here/peers_report.py" "$work" || status=1
exit $status
