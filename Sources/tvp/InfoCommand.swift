import ArgumentParser
import TVPCore

/// `tvp info`: the machine facts a run records in meta.json.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Print the machine facts recorded in meta.json.")

    func run() throws {
        print(ConsoleReport.format(MachineFacts.current().lines.map { [$0.0 + ":", $0.1] }), terminator: "")
    }
}
