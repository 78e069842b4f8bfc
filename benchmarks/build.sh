#!/usr/bin/env bash
# Builds tvp's C reference programs (benchmarks/c/*.c) into benchmarks/build/.
#
#   benchmarks/build.sh          CC=clang benchmarks/build.sh to use another compiler
#
# Every program: $CC -std=c11 -O2 -Wall -Wextra (plus -pthread where threads are used); noop is
# linked -static so that spawning it costs no dynamic loading: it is the floor for process start-up.
# swift_noop (benchmarks/swift/noop.swift, when swiftc is found) is the static Swift program's floor,
# linked as tvp-worker is; libmalloc1_task.so and malloc1_host compare the plugin worker's hosting
# of a task with a plain C program's (benchmarks/README.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$here/c"
out_dir="$here/build"
cc="${CC:-cc}"

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "build.sh: no C compiler '$cc' found; install one (apt-get install -y gcc) or set CC" >&2
    exit 1
fi
mkdir -p "$out_dir"

flags=(-std=c11 -O2 -Wall -Wextra)
build() { # build NAME [EXTRA FLAGS...]
    local name="$1"; shift
    echo "$cc ${flags[*]}${*:+ $*} -o build/$name c/$name.c" >&2
    "$cc" "${flags[@]}" "$@" -o "$out_dir/$name" "$source_dir/$name.c"
}

if ! build noop -static; then
    echo "build.sh: linking noop -static failed; the static C library is missing (apt-get install -y libc6-dev)" >&2
    exit 1
fi
build spawn_time
build bare_exit -static -nostdlib -fno-stack-protector
build pool -pthread
build pipe_roundtrip
build pipe_bandwidth
build tally -pthread
build alloc -pthread
build refs -pthread
# A plugin and its minimal C host, for the plugin worker's comparison.
echo "$cc ${flags[*]} -fPIC -shared -I../include -o build/libmalloc1_task.so c/malloc1_task.c" >&2
"$cc" "${flags[@]}" -fPIC -shared -I"$here/../include" -o "$out_dir/libmalloc1_task.so" "$source_dir/malloc1_task.c"
build malloc1_host -I"$here/../include" -ldl
# SHA256_Update doing 10 % more work per byte, preloaded by history_gate.sh (needs libssl-dev).
echo "$cc ${flags[*]} -fPIC -shared -o build/libslower_sha256.so c/slower_sha256.c -ldl -lcrypto" >&2
"$cc" "${flags[@]}" -fPIC -shared -o "$out_dir/libslower_sha256.so" "$source_dir/slower_sha256.c" -ldl -lcrypto
if command -v swiftc >/dev/null 2>&1; then
    # --no-mmap-output-file: the file is written, as tvp-worker's is, so its pages sit in the page
    # cache the same way (a linker that maps its output leaves small folios, which made a spawn
    # ~20 % dearer; docs/overhead.md).
    echo "swiftc -O -static-executable -Xlinker --no-mmap-output-file -o build/swift_noop swift/noop.swift" >&2
    swiftc -O -static-executable -Xlinker --no-mmap-output-file -o "$out_dir/swift_noop" "$here/swift/noop.swift" 2>/dev/null \
        || echo "build.sh: swiftc could not link swift/noop.swift statically; row a′ of limits.sh will be n/a" >&2
fi
echo "build.sh: built into $out_dir" >&2
