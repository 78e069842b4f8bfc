#!/usr/bin/env python3
"""The arithmetic of peers_report.py: the peers' outputs read, percentiles as tvp takes them, the
like-for-like conversions, the verdicts, and one whole report over a made-up work folder.

    python3 benchmarks/test_peers_report.py        # peers.sh runs it before it measures
"""

import contextlib
import csv
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import peers_report  # noqa: E402
from tvp_results import Missing  # noqa: E402

PERF_PIPE = """# Running 'sched/pipe' benchmark:
# Executed 20000 pipe operations between two processes

     Total time: 0.420 [sec]

      21.000000 usecs/op
          47619 ops/sec
"""

PERF_MESSAGING = """# Running 'sched/messaging' benchmark:
# 20 sender and receiver processes per group
# 1 groups == 40 processes run

     Total time: {seconds} [sec]
"""

# 10 wake-ups: eight in the histogram, two past its limit (the latest 900 µs).
CYCLICTEST = """# /dev/cpu_dma_latency set to 0us
# Histogram
000010 000003
000011 000004
000050 000001
# Total: 000000008
# Min Latencies: 00010
# Avg Latencies: 00100
# Max Latencies: 00900
# Histogram Overflows: 00002
# Histogram Overflow at cycle number:
# Thread 0: 00004 00007
"""

SUMMARY_COLUMNS = ["schema_version", "scenario", "workload", "variant", "pattern", "channel", "messages", "mode",
                   "workers", "affinity", "per_update_ns", "round_trip_p50_us", "spawn_p50_us", "lateness_p50_us",
                   "lateness_p99_us", "lateness_ticks_median"]


class PeerOutputs(unittest.TestCase):
    def test_perf_pipe_is_microseconds_per_round_trip(self):
        self.assertEqual(peers_report.perf_pipe_usecs_per_op(PERF_PIPE), 21.0)

    def test_perf_pipe_without_its_line_is_missing(self):
        with self.assertRaises(Missing):
            peers_report.perf_pipe_usecs_per_op("# Running 'sched/pipe' benchmark:\n")

    def test_perf_messaging_total_time(self):
        self.assertEqual(peers_report.perf_messaging_seconds(PERF_MESSAGING.format(seconds="1.234")), 1.234)

    def test_perf_messaging_of_zero_seconds_cannot_be_divided(self):
        with self.assertRaises(Missing):
            peers_report.perf_messaging_seconds(PERF_MESSAGING.format(seconds="0.000"))

    def test_cyclictest_histogram_counts_its_overflows_as_the_latest(self):
        histogram = peers_report.CyclictestHistogram(CYCLICTEST)
        self.assertEqual(histogram.count, 10)
        self.assertEqual(histogram.values(), [10, 10, 10, 11, 11, 11, 11, 50, 900, 900])
        # position 0.5 × 9 = 4.5: halfway between 11 and 11; p90: 0.9 × 9 = 8.1 → 900
        self.assertEqual(histogram.percentile(50), 11)
        self.assertAlmostEqual(histogram.percentile(80), 50 + 0.2 * 850)
        self.assertEqual(histogram.percentile(90), 900)

    def test_cyclictest_without_a_histogram_is_missing(self):
        with self.assertRaises(Missing):
            peers_report.CyclictestHistogram("T: 0 (1234) P: 0 I:1000 C: 1000 Min: 5 Act: 9 Avg: 8 Max: 40\n")


class Arithmetic(unittest.TestCase):
    def test_percentile_interpolates_as_tvp(self):
        # Statistics.percentile: position p/100 × (n − 1), linear between the ranks around it.
        self.assertEqual(peers_report.percentile([4, 1, 3, 2], 50), 2.5)
        self.assertAlmostEqual(peers_report.percentile(list(range(1, 101)), 99), 99.01)
        self.assertEqual(peers_report.percentile([7], 99), 7)

    def test_verdicts(self):
        self.assertTrue(peers_report.verdict(1.2, "<=", 1.2))
        self.assertFalse(peers_report.verdict(1.21, "<=", 1.2))
        self.assertTrue(peers_report.verdict(0.86, "within", 0.15))
        self.assertTrue(peers_report.verdict(1.149, "within", 0.15))
        self.assertFalse(peers_report.verdict(0.84, "within", 0.15))
        self.assertFalse(peers_report.verdict(1.16, "within", 0.15))

    def test_a_row_is_the_median_of_its_rounds(self):
        tvp, peer, ratio, low, high = peers_report.combine([(10, 5, 2.0), (30, 10, 3.0), (20, 20, 1.0)])
        self.assertEqual((tvp, peer, ratio, low, high), (20, 10, 2.0, 1.0, 3.0))


def write_summary(folder, rows):
    run = os.path.join(folder, "20260101T000000Z-x")
    os.makedirs(run)
    with open(os.path.join(run, "summary.csv"), "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=SUMMARY_COLUMNS, restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow({"schema_version": 7, "scenario": "x", "variant": "v", **row})


class WholeReport(unittest.TestCase):
    """One round made up by hand: every row's ratio known in advance."""

    def setUp(self):
        self.work = tempfile.TemporaryDirectory()
        round_dir = os.path.join(self.work.name, "rounds", "1")
        os.makedirs(round_dir)

        def out(name, text):
            with open(os.path.join(round_dir, name + ".out"), "w", encoding="utf-8") as file:
                file.write(text)

        # perf: 21 µs per round trip between processes; threads 10, 20 and 30 µs (median 20).
        for placement in ("any", "packed", "spread"):
            out(f"perf-pipe-processes-{placement}-1", PERF_PIPE)
            for k, usecs in enumerate((10, 30, 20), 1):
                out(f"perf-pipe-threads-{placement}-{k}", PERF_PIPE.replace("21.000000", f"{usecs}.000000"))
        # hackbench: threads 0.8 s, processes 1.0 s over sockets (0.8); over pipes 0.9 and 1.0 (0.9).
        for channel, threads in (("unix", "0.800"), ("pipe", "0.900")):
            out(f"perf-messaging-threads-{channel}-1", PERF_MESSAGING.format(seconds=threads))
            out(f"perf-messaging-processes-{channel}-1", PERF_MESSAGING.format(seconds="1.000"))
        for stem in ("alone", "loaded", "alone-default-system", "loaded-default-system"):
            out(f"cyclictest-{stem}-1", CYCLICTEST)
        p99 = peers_report.CyclictestHistogram(CYCLICTEST).percentile(99)  # 900
        self.assertEqual(p99, 900)
        write_summary(os.path.join(round_dir, "tvp-pingpong"), [row for placement in ("any", "packed", "spread") for row in [
            # 12,600 ns a message = 25.2 µs a round trip: 1.2 × perf's 21 (PASS at the bound).
            {"workload": "message", "pattern": "ping-pong", "channel": "pipe", "mode": "processes", "workers": 2,
             "affinity": placement, "per_update_ns": 12600, "round_trip_p50_us": 24},
            # 15,000 ns a message = 30 µs a round trip: 1.5 × perf -T's 20 (FAIL).
            {"workload": "message", "pattern": "ping-pong", "channel": "pipe", "mode": "threads", "workers": 2,
             "affinity": placement, "per_update_ns": 15000, "round_trip_p50_us": 28},
        ]])
        write_summary(os.path.join(round_dir, "tvp-fanin"), [
            # unix: 700 ÷ 1000 = 0.7 against 0.8: 0.875, printed 0.87 (PASS); pipe: 1100 ÷ 1000 = 1.1 against 0.9: 1.22 (FAIL).
            {"workload": "message", "pattern": "fan-in", "channel": "unix", "mode": "threads", "workers": 40,
             "messages": 500, "per_update_ns": 700},
            {"workload": "message", "pattern": "fan-in", "channel": "unix", "mode": "processes", "workers": 40,
             "messages": 500, "per_update_ns": 1000, "spawn_p50_us": 900},
            {"workload": "message", "pattern": "fan-in", "channel": "pipe", "mode": "threads", "workers": 40,
             "messages": 500, "per_update_ns": 1100},
            {"workload": "message", "pattern": "fan-in", "channel": "pipe", "mode": "processes", "workers": 40,
             "messages": 500, "per_update_ns": 1000},
        ])
        write_summary(os.path.join(round_dir, "tvp-lateness"), [
            # 1350 ÷ 900 = 1.5 (PASS at the bound); 1800 ÷ 900 = 2 (FAIL).
            {"workload": "responsiveness", "mode": "serial", "workers": 1, "lateness_p99_us": 1350},
            {"workload": "responsiveness", "mode": "threads", "workers": 2, "lateness_p99_us": 1800},
        ])

    def tearDown(self):
        self.work.cleanup()

    def test_rows(self):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = peers_report.main(["peers_report.py", self.work.name])
        self.assertEqual(status, 0)
        rows = {}
        for line in printed.getvalue().splitlines():
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) == 6 and cells[0] not in ("what", ""):
                rows.setdefault(cells[0], []).append(cells)
        for placement in ("any", "packed", "spread"):
            for mode in ("processes", "threads"):
                self.assertIn(f"ping-pong pipe, {mode}, {placement}", rows)
        processes, threads = rows["ping-pong pipe, processes, packed"][0], rows["ping-pong pipe, threads, spread"][0]
        self.assertEqual(processes[1], "25.2 µs/rt")
        self.assertTrue(processes[3].startswith("1.20 "))
        self.assertEqual(processes[5], "PASS")
        self.assertEqual(threads[1], "30.0 µs/rt")
        self.assertTrue(threads[2].startswith("20.0 "))
        self.assertEqual(threads[5], "FAIL")
        unix, pipe = rows["fan-in unix, threads ÷ processes"][0], rows["fan-in pipe, threads ÷ processes"][0]
        self.assertEqual((unix[1], unix[3][:4], unix[5]), ("0.700", "0.87", "PASS"))
        self.assertEqual((pipe[1], pipe[3][:4], pipe[5]), ("1.100", "1.22", "FAIL"))
        serial, loaded = rows["lateness p99, serial"][0], rows["lateness p99, threads"][0]
        self.assertEqual((serial[3][:4], serial[5]), ("1.50", "PASS"))
        self.assertEqual((loaded[3][:4], loaded[5]), ("2.00", "FAIL"))
        # hackbench per message: 0.8 s ÷ (500 × 20 × 20) = 4000 ns
        self.assertIn("hackbench threads 4000", printed.getvalue())

    def test_a_missing_run_is_not_applicable_and_fails_the_exit_status(self):
        os.remove(os.path.join(self.work.name, "rounds", "1", "perf-pipe-processes-any-1.out"))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = peers_report.main(["peers_report.py", self.work.name])
        self.assertEqual(status, 1)
        self.assertIn("no perf-pipe-processes-any-K.out", printed.getvalue())


if __name__ == "__main__":
    unittest.main()
