import Foundation
import TVPSystem
import TVPResults

/// Writes a chart's data into its folder for gnuplot: settings.gp and the tables.
enum ChartStage {
    /// Writes `data` into the new folder `folder`.
    static func write(_ data: ChartData, into folder: String) throws {
        try Files.makeDirectories(folder)
        try write(data.settings.text, to: "\(folder)/settings.gp")
        for table in data.tables { try write(table.text, to: "\(folder)/\(table.name)") }
    }

    /// Writes `text` to the file `path`, an error naming it when it cannot.
    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ResultsError(path: path, problem: "cannot write the chart's data: \(error.localizedDescription)")
        }
    }
}
