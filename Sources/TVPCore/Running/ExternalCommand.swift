import Foundation

/// Runs a program other than tvp's worker (another build's tvp) and waits for it.
enum ExternalCommand {
    /// Runs `executable` with `arguments` and `environment`, appending its standard output and error
    /// to the file at `outputPath`; returns its exit status (128 + the signal when one killed it).
    static func run(_ executable: String, arguments: [String], environment: [String: String], outputPath: String) throws -> Int32 {
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        guard let output = FileHandle(forWritingAtPath: outputPath) else {
            throw PairedError(message: "\(outputPath): cannot create the log file")
        }
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }
}
