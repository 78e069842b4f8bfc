import TVPSystem

extension ExecutionResult {
    /// Ends a process-mode trial whose `supervisor` itself failed with `error` (`poll`, `wait4`,
    /// `kill`): tvp's ends of the live `workers`' pipes close, the task each was running and the
    /// tasks in `notRun` fail, every child is stopped and those that ended are reaped (their usage
    /// counted), and the result says the run must end, since children may be left that tvp cannot
    /// account for.
    mutating func abandon(after error: any Error, supervisor: ChildSupervisor, workers: [(task: Int?, process: WorkerProcess)],
                          notRun: Range<Int>, outcomes: inout [TaskOutcome]) {
        let message = "process supervision failed: \(error)"
        for (task, var process) in workers {
            process.closeInput()
            process.closeOutput()
            if let task { outcomes[task] = .failure(message, processID: process.pid) }
        }
        for index in notRun { outcomes[index] = .failure("not run: \(message)") }
        for ended in supervisor.abandon() {
            childUsage = childUsage.adding(ended.child.usage)
        }
        abandoned = message
    }
}
