import TVPMeasure

/// A run's CSV files as rows of text, exactly as written: what the results store keeps, so that a
/// stored run reads back field for field equal to its folder.
public enum CSVRows {
    /// The header and every row of the CSV file at `path`, each row keyed by column.
    public static func read(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
        try CSVFormat.read(path)
    }

    /// The trial of one trials.csv row of any readable schema (columns renamed since included).
    public static func trialSample(_ row: [String: String]) throws -> TrialSample {
        try TrialsCSV.trial(CSVFormat.currentNames(row))
    }
}
