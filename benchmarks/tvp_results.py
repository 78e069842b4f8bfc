"""The one reader of what the scripts in benchmarks/ measure (issue 24).

    import tvp_results      # the scripts sit beside it, so Python finds it on its own

What it reads:
- a tvp run folder (`tvp run --out DIR` makes DIR/<timestamp>-<scenario>/): summary.csv, one row
  per cell with tvp's statistics (per_task_net_us, mb_per_s, transfer_mb_per_s, per_update_ns,
  lost_updates_median, task_p50_us, wall_median_s, ...), and trials.csv, one row per trial;
- the JSON verdicts of `tvp compare --format json` and `tvp paired --format json`;
- the key=value lines the C references (benchmarks/c/) print on stdout.

Why the CSVs and not `tvp export RUN --format json`: that JSON (hyperfine's layout) holds each
cell's wall times, their mean and median, and its parameters; the scripts read columns it does not
have (the figures above, and per trial: round, task_p50_us, spawn_p50_us, os_threads_max,
tvp_max_rss_kib, connection_errors, digest). So both files are read here, by column name.

A median tvp writes is read from summary.csv, never computed again. A statistic tvp does not write
(a median over rounds, over several runs or of per-round ratios; a bootstrap interval) is computed
by `median` and `bootstrap_interval` below, nowhere else.
"""

import csv
import glob
import json
import os
import statistics

SUMMARY = "summary.csv"
TRIALS = "trials.csv"


class Missing(Exception):
    """A figure that could not be obtained; the message says why."""


def run_file(path, name):
    """The file `name` of a run: `path` is the run folder or any file in it (e.g. its trials.csv)."""
    if os.path.isdir(path):
        return os.path.join(path, name)
    return os.path.join(os.path.dirname(path), name)


def run_folders(parent, holding=SUMMARY):
    """The run folders directly under `parent` (a `tvp run --out` folder) that hold the file
    `holding` (SUMMARY or TRIALS: a run stopped by a crash may have trials and no summary), in
    name order."""
    return sorted(os.path.dirname(path) for path in glob.glob(os.path.join(parent, "*", holding)))


def read_csv(path):
    """The column names and the rows (dicts by column name) of a CSV file: tvp's, or one a script
    wrote beside tvp's runs (downloads.sh's clients.csv)."""
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        return reader.fieldnames or [], list(reader)


def number(row, column):
    """`row[column]` as a float; None when the column is missing, empty or not a number."""
    try:
        return float(row[column])
    except (KeyError, TypeError, ValueError):
        return None


class Summary:
    """A run's summary.csv, read by column name: one row per cell, tvp's own statistics."""

    def __init__(self, path):
        """`path`: the run folder, its summary.csv or another file in it; None when there is no
        run. A missing file is not an error here: `figure` then says what is missing."""
        self.path = None if path is None else run_file(path, SUMMARY)
        self.problem = None
        self.rows, self.columns = [], []
        if self.path is None or not os.path.exists(self.path):
            self.problem = f"no summary.csv ({self.path or 'the tvp run produced none'})"
            return
        self.columns, self.rows = read_csv(self.path)

    def figure(self, column, description, variant_contains=None, **cell):
        """The number in `column` of the one row whose columns equal `cell` (and whose variant
        contains `variant_contains`), as tvp wrote it. Returns (value, row); raises Missing, naming
        `description`, when there is no such row, more than one, or no number."""
        if self.problem:
            raise Missing(self.problem)
        for needed in ["variant", column, *cell]:
            if needed not in self.columns:
                raise Missing(f"summary.csv has no column `{needed}`: the tvp that wrote it predates that column")
        rows = [r for r in self.rows if all(r[k] == str(v) for k, v in cell.items())]
        if variant_contains:
            rows = [r for r in rows if variant_contains in r["variant"]]
        if not rows:
            raise Missing(f"summary.csv has no row for {description}")
        if len(rows) > 1:
            variants = ", ".join(sorted(r["variant"] for r in rows))
            raise Missing(f"summary.csv has {len(rows)} rows for {description} ({variants}); expected one")
        text = rows[0][column].strip()
        if not text:
            raise Missing(f"`{column}` is empty for {description}")
        try:
            return float(text), rows[0]
        except ValueError:
            raise Missing(f"`{column}` is `{text}` for {description}, not a number")


def counted_trials(path, failed=False):
    """The rows of a run's trials.csv (`path`: the run folder or a file in it) that tvp's statistics
    count: no warm-ups, and only successful trials unless `failed`. [] when there is no trials.csv."""
    file = run_file(path, TRIALS)
    if not os.path.exists(file):
        return []
    return [r for r in read_csv(file)[1] if r["warmup"] == "false" and (failed or r["ok"] == "true")]


def regressions(path):
    """The cells a `tvp compare` or `tvp paired` JSON report (`--format json`) calls regressions,
    as (label, mode) pairs."""
    with open(path, encoding="utf-8") as file:
        report = json.load(file)
    return [(c["cell"]["label"], c["cell"]["mode"]) for c in report["cells"] if c["verdict"] == "regression"]


def reference_output(path):
    """The key=value lines a C reference printed on stdout (saved at `path`), as a dict of strings.
    Raises Missing when the file is not there (the program failed or did not run)."""
    if not os.path.exists(path):
        raise Missing(f"{os.path.basename(path)} was not produced (see the raw output above)")
    values = {}
    with open(path, encoding="utf-8") as file:
        for line in file:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                values[key.strip()] = value.strip()
    return values


def median(values):
    """The median of figures tvp does not summarise itself (over rounds, over runs, of ratios):
    the middle value, or the mean of the two middle ones, as tvp's own Statistics.median."""
    return statistics.median(values)


def bootstrap_interval(values, rng, resamples=2000, confidence=0.95):
    """A percentile bootstrap interval of the median of `values`: `resamples` medians of resamples
    drawn with `rng` (a seeded random.Random, so the interval is reproducible). Returns (low, high)."""
    medians = sorted(median(rng.choices(values, k=len(values))) for _ in range(resamples))
    tail = round(resamples * (1 - confidence) / 2)
    return medians[tail], medians[resamples - tail - 1]
