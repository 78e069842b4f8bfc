import ArgumentParser
import Foundation

/// Prints `message` to standard error, after whatever standard output holds, so that a terminal
/// showing both gets each line whole and in the order tvp wrote them.
func printError(_ message: String) {
    fflush(nil)  // every output stream: standard output is the one holding bytes
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints `message` prefixed with "tvp: " to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    printError(message.split(separator: "\n").map { "tvp: \($0)" }.joined(separator: "\n"))
    TVP.exit(withError: ExitCode(1))
}
