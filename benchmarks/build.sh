#!/usr/bin/env bash
# Builds tvp's C reference programs (benchmarks/c/*.c) into benchmarks/build/.
#
#   benchmarks/build.sh          CC=clang benchmarks/build.sh to use another compiler
#
# Every program: $CC -std=c11 -O2 -Wall -Wextra (plus -pthread where threads are used); noop is
# linked -static so that spawning it costs no dynamic loading: it is the floor for process start-up.
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
build pool -pthread
build pipe_roundtrip
build pipe_bandwidth
build tally -pthread
build alloc -pthread
build refs -pthread
echo "build.sh: built into $out_dir" >&2
