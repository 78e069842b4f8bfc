/// Scenarios compiled into tvp, for when the scenarios folder is not at hand.
public enum BuiltInScenarios {
    /// The text of `scenarios/default.yaml` (a test keeps the two identical).
    public static let defaultText = """
    # The default matrix: the folklore's two kinds of work, plus the cost of each mode on its own.
    # The expectations are the ci.yaml claims on a larger matrix, each a ratio the machine's kind (with
    # or without SHA instructions, spawns of 0.4 or 1.2 ms) does not move; the CPU speedup needs two
    # idle cores. Margins measured on both kinds are in docs/ci.md.
    name: default
    description: SHA-256 hashing, sleeping I/O with file reads, and empty tasks under serial, threads and processes.
    repetitions: 10         # counted trials per cell
    warmup: 1               # uncounted trials per cell, run first
    seed: 42                # trial order and bootstrap resampling
    tasks: max(32, 4 * cpus)  # tasks per trial; cpus: the usable CPUs (docs/scenarios.md)
    workloads:
      cpu:  { bytes_per_task: 8MiB }
      io:   { sleep_ms: 20, files_per_task: 4, file_size: 256KiB, cache: warm }
      null: {}
    modes: [serial, threads, processes]
    workers: [1, 2, 4, 8, 16, cpus, 2 * cpus]
    expect:
      # The folklore says threads don't help CPU-bound work. In Swift they do: hashing scales to the
      # cores, whatever a core's hashing rate.
      - "threads.speedup(cpu, workers: 2) >= 1.4"
      # ...up to every CPU the machine has (skipped where a claim needs more CPUs than there are).
      - "threads.speedup(cpu, workers: cpus) >= 0.5 * cpus"
      # Sleeping I/O overlaps on threads far beyond the number of cores (32 sleeps of 20 ms, 16 at a time).
      - "threads.speedup(io, workers: 16) >= 10"
      # A process per task pays a spawn per task on top of the same sleep: threads win on short I/O tasks.
      - "threads.wall(io, workers: 16) < processes.wall(io, workers: 16)"
      # The cost of the mode itself: starting a process (0.4-1.2 ms) dwarfs handing a task to a thread.
      - "processes.overhead(null, workers: 2) >= 5 * threads.overhead(null, workers: 2)"

    """
}
