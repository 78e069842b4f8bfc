import Foundation

/// Escaping for GitHub-flavoured Markdown (report.md, `tvp compare --format markdown`).
public enum Markdown {
    /// `text` safe inside a table cell or on one quoted line: line breaks become spaces, `|` is escaped.
    public static func inline(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
    }
}
