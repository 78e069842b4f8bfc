#!/usr/bin/env bash
# downloads.sh — tvp's download workload next to independent clients, in the same minutes (issue 16).
#
#   benchmarks/downloads.sh
#
# For each round: `tvp serve` is started once with the workload's files and latency, and Python's
# threads (http.client), Python's asyncio streams and curl (--parallel) download from it at each
# width; then tvp runs the same widths under threads and async (and serial, the baseline) from a
# scenario written here, against a `tvp serve` of the same files and latency that tvp starts itself.
# Rounds alternate the order (clients first, then tvp first) so drift of the machine falls on both.
# Every client checks status and length and computes tvp's digest; the table shows whether the
# digests agree.
#
# Environment (defaults in brackets):
#   TVP_BIN=DIR           release build folder holding tvp and tvp-worker [swift build -c release]
#   LATENCY_MS [50]  FILES [100]  FILE_SIZE bytes [16384]  KEEP_ALIVE "0 1" [0]
#   WIDTHS "1 10 100 1000 10000" [1 10 100 1000]   TASKS_PER_WORKER [2]  MIN_TASKS [20]
#   ROUNDS [3]            CLIENTS "threads asyncio curl" [all three]
#   OUT=DIR               where raw outputs go [a new folder under /tmp]
#
# The judge's commands, by hand (PORT from the first line `tvp serve` prints):
#   .build/release/tvp serve --port 8080 --files 100 --file-size 16KiB --latency-ms 50
#   python3 benchmarks/downloads_clients.py 8080 threads 1000 2000 --files 100 --file-size 16384 --keep-alive 0
#   python3 benchmarks/downloads_clients.py 8080 asyncio 1000 2000 --files 100 --file-size 16384 --keep-alive 0
#   python3 benchmarks/downloads_clients.py 8080 curl 300 600 --files 100 --file-size 16384 --keep-alive 0
#
# Exit status: 0 when every run finished (this is a report, not a gate); 1 when something could not run.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
latency="${LATENCY_MS:-50}" files="${FILES:-100}" size="${FILE_SIZE:-16384}"
keep_alive="${KEEP_ALIVE:-0}" widths="${WIDTHS:-1 10 100 1000}"
per_worker="${TASKS_PER_WORKER:-2}" min_tasks="${MIN_TASKS:-20}" rounds="${ROUNDS:-3}"
clients="${CLIENTS:-threads asyncio curl}"
output_folder out OUT downloads

locate_tvp tvp tvp-worker
need_command curl "apt-get install -y curl"
need_command python3 "apt-get install -y python3"
ulimit -n "$(ulimit -Hn)"

server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
trap stop_server EXIT

start_server() {
    "$bin/tvp" serve --port 0 --files "$files" --file-size "$size" --latency-ms "$latency" > "$out/serve.line" &
    server_pid=$!
    for _ in $(seq 100); do grep -q listening "$out/serve.line" 2>/dev/null && break; sleep 0.1; done
    port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/serve.line")
    [ -n "$port" ] || fail "tvp serve did not start: $(cat "$out/serve.line")"
}

tasks_for() { local t=$(( $1 * per_worker )); [ "$t" -lt "$min_tasks" ] && t=$min_tasks; echo "$t"; }

run_clients() {
    start_server
    for ka in $keep_alive; do
        for w in $widths; do
            for client in $clients; do
                python3 "$here/downloads_clients.py" "$port" "$client" "$w" "$(tasks_for "$w")" \
                    --files "$files" --file-size "$size" --keep-alive "$ka" >> "$out/clients.csv" 2>> "$out/clients.err" \
                    || echo "# $client $w failed" >> "$out/clients.err"
            done
        done
    done
    stop_server
}

run_tvp() {
    local round=$1 ka_list="" w_list
    for ka in $keep_alive; do ka_list="$ka_list${ka_list:+, }$([ "$ka" = 1 ] && echo true || echo false)"; done
    w_list=$(echo "$widths" | tr ' ' ',')
    cat > "$out/tvp-downloads.yaml" <<EOF
name: downloads-vs-clients
repetitions: 1
warmup: 0
seed: $round
tasks: $min_tasks
tasks_per_worker: $per_worker
workloads:
  download: { latency_ms: $latency, files: $files, file_size: $size, keep_alive: [$ka_list] }
modes: [serial, threads, async]
workers: [$w_list]
EOF
    "$bin/tvp" run "$out/tvp-downloads.yaml" --out "$out/tvp" --quiet --no-plot --yes > "$out/tvp-round$round.txt" 2>&1 \
        || echo "# tvp round $round exited $?" >> "$out/clients.err"
}

echo "client,workers,tasks,keep_alive,wall_s,peak_threads,max_rss_kib,errors,digest" > "$out/clients.csv"
echo "load before: $(load)" | tee "$out/load.txt"
for round in $(seq "$rounds"); do
    if [ $((round % 2)) = 1 ]; then run_clients; run_tvp "$round"; else run_tvp "$round"; run_clients; fi
done
echo "load after: $(load)" | tee -a "$out/load.txt"
python3 "$here/downloads_report.py" "$out" | tee "$out/report.md"
