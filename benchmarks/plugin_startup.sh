#!/usr/bin/env bash
# The plugin worker's start-up beside the static worker's: posix_spawn + waitpid of one process
# running one task, each case alternating with `tvp-worker task null - 0` in the same loop
# (spawn_time, A then B, then B then A), so drift hits both. Prints a Markdown table of medians and
# the ratio to the static worker in the same loop.
#
#   benchmarks/plugin_startup.sh [ROUNDS]       (default 300; needs a release build of tvp)
#
# The cases: the plugin worker alone (built-in null task), with a C plugin without dependencies,
# with the cpu plugin (libcrypto linked in), with the same plugin linked to libcrypto.so, and with
# the Swift plugin (which loads the Swift runtime's shared libraries).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rounds="${1:-300}"
build_references
locate_tvp tvp-worker tvp-plugin-worker
make -s -C "$repo/examples/cpu-plugin"
swift build -c release --package-path "$repo/examples/swift-sort" >/dev/null
"${CC:-cc}" -O2 -shared -fPIC -I "$repo/include" -o "$refs/libplugin_test.so" "$repo/Tests/Plugins/test_plugins.c"
# The cpu plugin again, but with libcrypto as a shared library: what a plugin's own dependencies cost.
"${CC:-cc}" -O2 -shared -fPIC -Wno-deprecated-declarations -I "$repo/include" -o "$refs/libcpu_dynamic.so" \
    "$repo/examples/cpu-plugin/cpu_task.c" -lcrypto

static=("$bin/tvp-worker" task null - 0)
plugin="$bin/tvp-plugin-worker"
cases=(
    "tvp-plugin-worker, built-in null task|$plugin|task|null|-|0"
    "tvp-plugin-worker, a C plugin without dependencies|$plugin|task|plugin;library=$refs/libplugin_test.so;symbol=good;parameter=|tasks=1|0"
    "tvp-plugin-worker, the cpu plugin hashing 0 bytes (libcrypto linked in)|$plugin|task|plugin;library=$repo/examples/cpu-plugin/libcpu_task.so;symbol=tvp_cpu;parameter=0|tasks=1|0"
    "tvp-plugin-worker, the same plugin linked to libcrypto.so|$plugin|task|plugin;library=$refs/libcpu_dynamic.so;symbol=tvp_cpu;parameter=0|tasks=1|0"
    "tvp-plugin-worker, the Swift plugin sorting 1 number (loads the Swift runtime)|$plugin|task|plugin;library=$repo/examples/swift-sort/.build/release/libSortTask.so;symbol=sort_task;parameter=1|tasks=1|0"
)
machine_header
echo
echo "| process (spawn + one task + exit + waitpid) | median | tvp-worker null in the same loop | ratio |"
echo "| --- | --- | --- | --- |"
for entry in "${cases[@]}"; do
    IFS='|' read -r -a fields <<< "$entry"
    out=$("$refs/spawn_time" -w 3 "$rounds" "${static[@]}" -- "${fields[@]:1}" 2>/dev/null)
    a=$(sed -n 's/^a_median_us=//p' <<< "$out"); b=$(sed -n 's/^b_median_us=//p' <<< "$out")
    ratio=$(sed -n 's/^ratio_median_b_over_a=//p' <<< "$out")
    awk -v name="${fields[0]}" -v a="$a" -v b="$b" -v r="$ratio" 'BEGIN { printf "| %s | %.2f ms | %.2f ms | %s× |\n", name, b / 1000, a / 1000, r }'
done
