/// The columns of crossover.csv (one row per thread mode, process mode, workers, task size and CPU
/// share of the `mixed` workload) and breakeven.csv (one row per pair of modes).
public enum CrossoverCSV {
    /// crossover.csv: `ratio` is the thread mode's median wall time ÷ the process mode's; above 1
    /// the process mode was faster.
    public static let pointHeader = [
        "thread_mode", "process_mode", "workers", "task_ms", "cpu_share", "thread_wall_s", "process_wall_s",
        "ratio", "ratio_ci_low", "ratio_ci_high", "process_wins",
    ]
    /// breakeven.csv: `pays_off_from_task_ms` is the smallest task size at which the process mode won
    /// at some CPU share, empty when it never did.
    public static let breakEvenHeader = [
        "thread_mode", "process_mode", "workers", "pays_off_from_task_ms", "largest_task_ms", "best_ratio",
        "best_task_ms", "best_cpu_share", "finding",
    ]
}
