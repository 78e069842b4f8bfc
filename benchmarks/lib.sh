# shellcheck shell=bash
# lib.sh — the preamble the benchmark scripts share (issue 24). Sourced, never run:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sets
#   here     this folder (benchmarks/)
#   repo     the checkout
#   refs     benchmarks/build/, where build.sh puts the C references
#   status   0; `reference` sets it to 1 when a program fails (the script's exit status)
# and defines the functions below. It works under `set -e` and without it (scripts that report
# what failed and go on run without -e).

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
refs="$here/build"
status=0

# fail MESSAGE...: prints "SCRIPT: MESSAGE" on stderr and exits 1.
fail() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# need_command NAME INSTALL_HINT: fails unless NAME is on PATH, saying how to install it.
need_command() {
    command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed ($2)"
}

# locate_tvp TOOL...: sets `bin` to the folder of tvp's executables: $TVP_BIN when set (made
# absolute, so the script may change directory), else this checkout's release build, built first
# (`swift build -c release`: quick when nothing changed). Fails unless each TOOL (tvp, tvp-worker,
# tvp-plugin-worker) is an executable there.
locate_tvp() {
    if [[ -n "${TVP_BIN:-}" ]]; then
        bin="$(cd "$TVP_BIN" 2>/dev/null && pwd)" || fail "TVP_BIN=$TVP_BIN is not a folder; point it at a release build folder"
    else
        swift build -c release --package-path "$repo" >&2 || fail "swift build -c release failed"
        bin="$(swift build -c release --package-path "$repo" --show-bin-path)" || fail "swift build --show-bin-path failed"
    fi
    local tool
    for tool in "$@"; do
        [[ -x "$bin/$tool" ]] || fail "$bin/$tool is not an executable; point TVP_BIN at a release build folder"
    done
}

# build_references: builds the C references into $refs (build.sh; its commands go to stderr).
build_references() {
    "$here/build.sh" || fail "could not build the C references (above)"
}

# output_folder VARIABLE ENVIRONMENT NAME: sets VARIABLE to the folder the environment variable
# ENVIRONMENT names, or to a new folder /tmp/tvp-NAME.XXXXXX, and creates it.
output_folder() {
    local folder="${!2:-}"
    if [[ -z "$folder" ]]; then
        folder="$(mktemp -d "/tmp/tvp-$3.XXXXXX")" || fail "mktemp could not make a folder under /tmp"
    fi
    mkdir -p "$folder" || fail "cannot create $folder"
    printf -v "$1" '%s' "$folder"
}

# load: the load averages over 1, 5 and 15 minutes.
load() {
    cut -d' ' -f1-3 /proc/loadavg
}

# machine_header: the machine and the moment, one fact a line.
machine_header() {
    echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "cpu:     $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
    echo "nproc:   $(nproc)"
    echo "kernel:  $(uname -r)"
    echo "load:    $(load)"
}

# reference FILE COMMAND...: runs a reference program, keeping its stdout as FILE.out and its
# stderr as FILE.err. When it fails, FILE.out is removed (the report then shows its row as n/a),
# the failure is printed and status becomes 1. With show_references=1 the command and both
# outputs are printed as well (limits.sh prints every raw output).
show_references=0
reference() {
    local file="$1" code=0
    shift
    if ((show_references)); then
        echo "\$ ${*#"$repo/"}"
    fi
    "$@" >"$file.out" 2>"$file.err" || code=$?
    if ((show_references)); then
        sed 's/^/    /' "$file.out" "$file.err"
    fi
    if ((code != 0)); then
        if ((show_references)); then
            echo "    (failed with status $code)"
        else
            echo "    $(basename "$file") failed: $(tail -n 1 "$file.err")"
        fi
        rm -f "$file.out"
        status=1
    fi
}
