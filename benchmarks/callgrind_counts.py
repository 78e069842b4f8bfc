#!/usr/bin/env python3
"""Counts what one update of tvp's sharing workloads executes, from two callgrind profiles.

    callgrind_counts.py SMALL_OUT SMALL_UPDATES LARGE_OUT LARGE_UPDATES FUNCTION...

Each OUT is a `valgrind --tool=callgrind` profile of one `tvp-worker task` run making that many
updates. Everything the run does once (start-up, the task's set-up, the digest) is the same in
both, so (large − small) ÷ (LARGE_UPDATES − SMALL_UPDATES) is what one update costs: the
instructions executed (`Ir`) and the calls made to each FUNCTION (summed over every caller; a
name callgrind marks recursive, `name'2`, counts as the name). Prints one line per figure:

    instructions_per_update=12.00
    calls_per_update[swift_retain]=1.000
"""

import re
import sys


def profile(path):
    """Total instructions and calls per function name of one callgrind output file."""
    names = {}
    calls = {}
    total = None
    pending = None
    with open(path, encoding="utf-8", errors="replace") as file:
        for line in file:
            if line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])
            match = re.match(r"cfn=\((\d+)\)(?: (.*))?", line)
            if match:
                ident, name = match.groups()
                if name:
                    names[ident] = re.sub(r"'\d+$", "", name.strip())
                pending = names.get(ident)
                continue
            if line.startswith("fn=("):
                match = re.match(r"fn=\((\d+)\)(?: (.*))?", line)
                if match and match.group(2):
                    names[match.group(1)] = re.sub(r"'\d+$", "", match.group(2).strip())
                continue
            if line.startswith("calls=") and pending is not None:
                calls[pending] = calls.get(pending, 0) + int(line.split("=")[1].split()[0])
                pending = None
    if total is None:
        sys.exit(f"callgrind_counts.py: {path} has no summary: line; is it a callgrind profile?")
    return total, calls


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    small_path, small_updates, large_path, large_updates = argv[1], int(argv[2]), argv[3], int(argv[4])
    if large_updates <= small_updates:
        sys.exit("callgrind_counts.py: LARGE_UPDATES must exceed SMALL_UPDATES")
    small_total, small_calls = profile(small_path)
    large_total, large_calls = profile(large_path)
    span = large_updates - small_updates
    print(f"instructions_per_update={(large_total - small_total) / span:.2f}")
    for function in argv[5:]:
        delta = large_calls.get(function, 0) - small_calls.get(function, 0)
        print(f"calls_per_update[{function}]={delta / span:.3f}")


if __name__ == "__main__":
    main(sys.argv)
