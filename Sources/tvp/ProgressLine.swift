import Foundation
import TVPFormatting
import TVPRun

/// One updating line on stderr, only when stderr is a terminal: trials done of total, the cell
/// just measured, elapsed time and an estimate of the time left.
final class ProgressLine {
    private let enabled: Bool
    private var started = Date()
    private var lastDraw = Date.distantPast

    init(enabled: Bool) {
        self.enabled = enabled && StandardError.isTerminal
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
            draw("\(completed)/\(total) trials  \(record.cell.label)  elapsed \(Seconds.format(elapsed, .clock))  ETA \(Seconds.format(eta, .clock))\(status)")
        }
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func draw(_ text: String) {
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }
}
