import TVPSystem

/// tvp's standard error, for the command line's progress display.
public enum StandardError {
    /// Whether it is a terminal (`isatty`), where a line may redraw itself.
    public static var isTerminal: Bool { TVPSystem.isTerminal(.standardError) }
}
