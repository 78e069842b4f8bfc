// noop.swift — an empty Swift program, linked as tvp-worker is (`-static-executable`, the output
// file written, not mapped): the floor of a static Swift process's start-up, the Swift runtime's
// own initialisation included, against which benchmarks/limits.sh judges tvp-worker (row a′).
