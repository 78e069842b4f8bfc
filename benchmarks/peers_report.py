#!/usr/bin/env python3
"""Prints the table of benchmarks/peers.sh: tvp's message and responsiveness cells ÷ independent peers.

    peers_report.py WORK_DIR

WORK_DIR/rounds/N/ holds one round (peers.sh says how they were run and why the figures compare):
    perf-pipe-{processes,threads}-K.out                 perf bench sched pipe [-T]: `usecs/op`
    perf-messaging-{processes,threads}-{unix,pipe}-K.out perf bench sched messaging -g 1 [-t] [-p]:
                                                          `Total time: S [sec]`
    cyclictest-{alone,loaded}[-default-system]-K.out    cyclictest -q -h: its histogram
    tvp-{pingpong,fanin,lateness}/RUN/summary.csv       the round's tvp runs
K counts a peer's runs within the round: their median is the round's peer figure. tvp's figure of a
round is its cell's median in summary.csv. A row's ratio is the median over the rounds of the
rounds' ratios (drift between rounds cancels); its tvp and peer columns are the medians over the
rounds. A row without a figure in any round is "n/a", with the reason under the table.

Exit status: 0 when every row was measured (whether or not it met its target: this is a report),
1 when some row could not be measured.
"""

import glob
import math
import os
import re
import sys

from tvp_results import Missing, Summary, median, run_folders

# Hackbench's one group (-g 1): 20 senders × 20 receivers; a message goes from every sender to
# every receiver once per loop.
HACKBENCH_SENDERS = HACKBENCH_RECEIVERS = 20


# ---- the peers' outputs ----

def perf_pipe_usecs_per_op(text):
    """`perf bench sched pipe`'s `N usecs/op`: microseconds per round trip (two messages)."""
    match = re.search(r"([0-9]+(?:\.[0-9]+)?)\s+usecs/op", text)
    if not match:
        raise Missing("no `usecs/op` line in perf bench sched pipe's output")
    return float(match.group(1))


def perf_messaging_seconds(text):
    """`perf bench sched messaging`'s `Total time: S [sec]`: from the moment every party is ready
    until the last has finished."""
    match = re.search(r"Total time:\s+([0-9]+(?:\.[0-9]+)?)\s+\[sec\]", text)
    if not match:
        raise Missing("no `Total time: … [sec]` line in perf bench sched messaging's output")
    seconds = float(match.group(1))
    if seconds <= 0:
        raise Missing("perf bench sched messaging printed a total time of 0 s (too few loops to time)")
    return seconds


class CyclictestHistogram:
    """What `cyclictest -q -h US` printed for one thread: the count of wake-ups per whole
    microsecond of lateness below US, the wake-ups past US (overflows), and the latest one."""

    def __init__(self, text):
        self.counts = {}
        self.overflows = 0
        self.maximum = None
        for line in text.splitlines():
            fields = line.split()
            if len(fields) == 2 and fields[0].isdigit() and fields[1].isdigit():
                if int(fields[1]):
                    self.counts[int(fields[0])] = self.counts.get(int(fields[0]), 0) + int(fields[1])
                continue
            match = re.match(r"#\s*Histogram Overflows:\s*(\d+)", line)
            if match:
                self.overflows = int(match.group(1))
            match = re.match(r"#\s*Max Latencies:\s*(\d+)", line)
            if match:
                self.maximum = int(match.group(1))
        if not self.counts and not self.overflows:
            raise Missing("no histogram in cyclictest's output (was it run with -h?)")

    @property
    def count(self):
        return sum(self.counts.values()) + self.overflows

    def values(self):
        """Every wake-up's lateness in µs, ascending; an overflow counts as the latest wake-up
        (it is at least the histogram's limit)."""
        values = []
        for bucket in sorted(self.counts):
            values.extend([float(bucket)] * self.counts[bucket])
        if self.overflows:
            latest = float(self.maximum if self.maximum is not None else max(self.counts, default=0))
            values.extend([latest] * self.overflows)
        return values

    def percentile(self, p):
        """The p-th percentile as tvp computes lateness_p99_us (`percentile` below)."""
        return percentile(self.values(), p)


def percentile(values, p):
    """tvp's Statistics.percentile: linear interpolation between the ranks around p/100 × (n − 1)
    of the sorted values."""
    if not values:
        raise Missing("no values")
    ordered = sorted(values)
    position = p / 100 * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (position - lower) * (ordered[upper] - ordered[lower])


def read_text(path):
    if not os.path.exists(path):
        raise Missing(f"{os.path.basename(path)} was not produced (the program failed or did not run)")
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read()


def peer_median(round_dir, stem, figure):
    """The median of `figure` over a round's runs of one peer (STEM-1.out, STEM-2.out, …)."""
    paths = sorted(glob.glob(os.path.join(round_dir, f"{stem}-[0-9]*.out")))
    if not paths:
        raise Missing(f"no {stem}-K.out in {round_dir}")
    return median([figure(read_text(path)) for path in paths])


def tvp_summary(round_dir, group):
    runs = run_folders(os.path.join(round_dir, f"tvp-{group}"))
    if len(runs) != 1:
        raise Missing(f"expected one tvp run under {round_dir}/tvp-{group}, found {len(runs)}")
    return Summary(runs[0])


# ---- a round's figures, per row: (tvp, peer, ratio, detail) ----

def ping_pong(round_dir, mode, placement):
    """tvp's µs per round trip (2 × per_update_ns: the mean over the trial, start-up included, as
    perf's usecs/op is) against perf bench sched pipe's usecs/op, both placed alike (`any`: by the
    kernel; `packed`: on one CPU; `spread`: on two)."""
    summary = tvp_summary(round_dir, "pingpong")
    per_message_ns, row = summary.figure("per_update_ns", f"message ping-pong pipe / {mode} / 2 workers / affinity {placement}",
                                         workload="message", pattern="ping-pong", channel="pipe", mode=mode, workers=2,
                                         affinity=placement)
    tvp = 2 * per_message_ns / 1000
    peer = peer_median(round_dir, f"perf-pipe-{mode}-{placement}", perf_pipe_usecs_per_op)
    p50 = row.get("round_trip_p50_us", "")
    return tvp, peer, tvp / peer, f"round_trip_p50_us {p50}"


def fan_in(round_dir, channel):
    """tvp's threads ÷ processes (per_update_ns: the same messages under both) against hackbench's
    threads ÷ processes (Total time with -t ÷ without)."""
    summary = tvp_summary(round_dir, "fanin")
    cells = {}
    for mode in ("threads", "processes"):
        cells[mode] = summary.figure("per_update_ns", f"message fan-in {channel} / {mode} / 40 workers",
                                     workload="message", pattern="fan-in", channel=channel, mode=mode, workers=40)
    tvp = cells["threads"][0] / cells["processes"][0]
    seconds = {mode: peer_median(round_dir, f"perf-messaging-{mode}-{channel}", perf_messaging_seconds)
               for mode in ("threads", "processes")}
    peer = seconds["threads"] / seconds["processes"]
    messages = int(cells["threads"][1]["messages"]) * HACKBENCH_SENDERS * HACKBENCH_RECEIVERS
    detail = (f"ns/message tvp threads {cells['threads'][0]:.0f}, processes {cells['processes'][0]:.0f} "
              f"(spawn_p50_us {cells['processes'][1].get('spawn_p50_us', '?')}); hackbench threads "
              f"{seconds['threads'] / messages * 1e9:.0f}, processes {seconds['processes'] / messages * 1e9:.0f}")
    return tvp, peer, tvp / peer, detail


def lateness(round_dir, mode, peer_stem):
    """tvp's lateness_p99_us (the median of its trials' p99) against cyclictest's p99, computed the
    same way from its histogram (the median over the round's runs)."""
    summary = tvp_summary(round_dir, "lateness")
    tvp, row = summary.figure("lateness_p99_us", f"responsiveness / {mode}", workload="responsiveness", mode=mode)
    peer = peer_median(round_dir, peer_stem, lambda text: CyclictestHistogram(text).percentile(99))
    ticks = row.get("lateness_ticks_median", "?")
    return tvp, peer, tvp / peer, f"tvp p50 {row.get('lateness_p50_us', '?')} µs, ticks {ticks}"


# (label, unit, what the peer is, per-round figures, comparison, target)
# comparison "<=": ratio ≤ target; "within": |ratio − 1| ≤ target.
ROWS = [
    ("ping-pong pipe, processes, any", "µs/rt", "perf bench sched pipe, placed by the kernel",
     lambda d: ping_pong(d, "processes", "any"), "<=", 1.2),
    ("ping-pong pipe, threads, any", "µs/rt", "perf bench sched pipe -T, placed by the kernel",
     lambda d: ping_pong(d, "threads", "any"), "<=", 1.2),
    ("ping-pong pipe, processes, packed", "µs/rt", "perf bench sched pipe, taskset -c CPU0",
     lambda d: ping_pong(d, "processes", "packed"), "<=", 1.2),
    ("ping-pong pipe, threads, packed", "µs/rt", "perf bench sched pipe -T, taskset -c CPU0",
     lambda d: ping_pong(d, "threads", "packed"), "<=", 1.2),
    ("ping-pong pipe, processes, spread", "µs/rt", "perf bench sched pipe, parties pinned to two CPUs",
     lambda d: ping_pong(d, "processes", "spread"), "<=", 1.2),
    ("ping-pong pipe, threads, spread", "µs/rt", "perf bench sched pipe -T, parties pinned to two CPUs",
     lambda d: ping_pong(d, "threads", "spread"), "<=", 1.2),
    ("fan-in unix, threads ÷ processes", "", "perf bench sched messaging -g 1 (-t ÷ none)",
     lambda d: fan_in(d, "unix"), "within", 0.15),
    ("fan-in pipe, threads ÷ processes", "", "perf bench sched messaging -g 1 -p (-t ÷ none)",
     lambda d: fan_in(d, "pipe"), "within", 0.15),
    ("lateness p99, serial", "µs", "cyclictest alone",
     lambda d: lateness(d, "serial", "cyclictest-alone"), "<=", 1.5),
    ("lateness p99, threads", "µs", "cyclictest beside the hashers",
     lambda d: lateness(d, "threads", "cyclictest-loaded"), "<=", 1.5),
    ("lateness p99, serial", "µs", "cyclictest alone --default-system",
     lambda d: lateness(d, "serial", "cyclictest-alone-default-system"), "<=", 1.5),
    ("lateness p99, threads", "µs", "cyclictest beside the hashers --default-system",
     lambda d: lateness(d, "threads", "cyclictest-loaded-default-system"), "<=", 1.5),
]


def verdict(ratio, comparison, target):
    """Whether `ratio` meets its target."""
    if comparison == "<=":
        return ratio <= target
    if comparison == "within":
        return abs(ratio - 1) <= target
    raise ValueError(f"unknown comparison {comparison}")


def target_text(comparison, target):
    return f"≤ {target:g}" if comparison == "<=" else f"{1 - target:g}–{1 + target:g}"


def combine(rounds):
    """A row's figures from its rounds' (tvp, peer, ratio) triples: the medians over the rounds of
    each, and the range of the ratios."""
    tvp = median([r[0] for r in rounds])
    peer = median([r[1] for r in rounds])
    ratios = [r[2] for r in rounds]
    return tvp, peer, median(ratios), min(ratios), max(ratios)


def round_folders(work_dir):
    folders = glob.glob(os.path.join(work_dir, "rounds", "*"))
    return sorted((f for f in folders if os.path.basename(f).isdigit()), key=lambda f: int(os.path.basename(f)))


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 1
    rounds = round_folders(argv[1])
    if not rounds:
        print(f"peers_report.py: no rounds under {argv[1]}/rounds", file=sys.stderr)
        return 1
    header = ["what", "tvp", "peer", "tvp ÷ peer", "target", "verdict"]
    table, notes, unmeasured = [], [], 0
    for label, unit, peer_name, figures, comparison, target in ROWS:
        measured, problems = [], []
        for folder in rounds:
            try:
                measured.append((os.path.basename(folder), *figures(folder)))
            except Missing as problem:
                problems.append(f"round {os.path.basename(folder)}: {problem}")
        if not measured:
            unmeasured += 1
            table.append([label, "n/a", peer_name, "n/a", target_text(comparison, target), "n/a"])
            notes.append(f"{label} ({peer_name}): not measured: {'; '.join(problems)}")
            continue
        tvp, peer, ratio, low, high = combine([m[1:4] for m in measured])
        digits = 3 if comparison == "within" else 1
        table.append([label, f"{tvp:.{digits}f} {unit}".strip(), f"{peer:.{digits}f} ({peer_name})",
                      f"{ratio:.2f} [{low:.2f}–{high:.2f}]", target_text(comparison, target),
                      "PASS" if verdict(ratio, comparison, target) else "FAIL"])
        per_round = "; ".join(f"r{name}: {t:.{digits}f}/{p:.{digits}f} ({detail})" for name, t, p, _, detail in measured)
        notes.append(f"{label} vs {peer_name}: {len(measured)} rounds (tvp/peer): {per_round}"
                     + (f"; missing: {'; '.join(problems)}" if problems else ""))
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    print()
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in table:
        print(line(row))
    print()
    print(f"{len(rounds)} rounds; tvp and peer are medians over the rounds, tvp ÷ peer the median of the "
          "rounds' ratios [their range]. Fan-in rows compare the ratios threads ÷ processes (target: within 15 %).")
    for note in notes:
        print(f"  {note}")
    return 1 if unmeasured else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
