import Foundation
import TVPRun

/// One updating line on stderr, only when stderr is a terminal: trials done of total, the cell
/// just measured, elapsed time and an estimate of the time left.
final class ProgressLine {
    private let enabled: Bool
    private var started = Date()
    private var lastDraw = Date.distantPast

    init(enabled: Bool) {
        self.enabled = enabled && isatty(2) == 1
    }

    func handle(_ event: RunEvent) {
        guard enabled else { return }
        switch event {
        case .preparing(let what):
            draw("preparing: \(what)…")
        case .notice, .folder, .trialsEnded:
            break
        case .started(let total, _):
            started = Date()
            draw("0/\(total) trials")
        case .trialFinished(let record, let completed, let total):
            let now = Date()
            guard completed == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            let elapsed = now.timeIntervalSince(started)
            let eta = elapsed / Double(completed) * Double(total - completed)
            let status = record.ok ? "" : "  (last trial FAILED)"
            draw("\(completed)/\(total) trials  \(record.cell.label)  elapsed \(clock(elapsed))  ETA \(clock(eta))\(status)")
        }
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func draw(_ text: String) {
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
