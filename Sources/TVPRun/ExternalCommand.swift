import TVPSystem
import TVPPlan

/// Runs another build's tvp for `tvp paired` and waits for it, through `ExternalProgram`.
enum ExternalCommand {
    /// Runs `executable` with `arguments` and `environment`, appending its standard output and error
    /// to the file at `outputPath`; returns its exit status (128 + the signal when one killed it).
    /// When this tvp receives SIGINT or SIGTERM, the child gets SIGTERM and up to 30 s to save its
    /// results, and the status is 128 + the signal received. The child is told to die with this tvp
    /// (`TVP_PARENT_PID`): a SIGKILLed `tvp paired` leaves no `tvp run` behind.
    static func run(_ executable: String, arguments: [String], environment: [String: String], outputPath: String) throws -> Int32 {
        let program = ExternalProgram(path: executable, arguments: arguments, environment: environment, stopGraceSeconds: 30,
                                      diesWithParent: true)
        do {
            switch try program.run(appendingOutputTo: outputPath) {
            case .exited(let code): return code
            case .signaled(let signal): return 128 + signal
            }
        } catch ExternalProgramError.interrupted(_, let signal) {
            return 128 + signal
        } catch ExternalProgramError.cannotStart(let path, let reason) {
            throw PairedError(message: "cannot start \(path): \(reason)")
        }
    }
}
