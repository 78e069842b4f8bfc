import Foundation
import TVPSystem
import TVPAnalysis
import TVPMeasure
import TVPResults

/// Run and paired folders whose tvp was killed (SIGKILL, a crash of the supervisor, a machine
/// that went away) while they were "running": found by the next `tvp run` or `tvp paired` in the
/// same output folder and marked `failed` with why, so that no folder says "running" forever.
/// A folder is only marked when the process its meta.json names (`owner_process`) is gone; folders
/// of older tvp versions name none and are left alone.
enum KilledRuns {
    /// Marks the killed runs in `outDirectory` (and the rounds of killed paired folders there);
    /// returns a sentence for each.
    static func mark(in outDirectory: String) -> [String] {
        var marked: [String] = []
        for name in Files.directoryEntries(outDirectory).sorted() {
            let folder = "\(outDirectory)/\(name)"
            guard let text = try? String(contentsOfFile: "\(folder)/meta.json", encoding: .utf8),
                  text.contains("\"running\"") else { continue }
            if var meta = try? RunFolder.decodeMeta(Data(text.utf8)) {
                guard let reason = markKilled(&meta.course) else { continue }
                if (try? ResultsWriter.writeMeta(meta, in: folder)) != nil {
                    marked.append("marked \(folder) failed: \(reason)")
                }
            } else if var meta = try? JSONDecoder().decode(PairedMeta.self, from: Data(text.utf8)) {
                guard let reason = markKilled(&meta.course) else { continue }
                if let json = try? meta.json(), (try? ResultsWriter.writeFile(json, name: "meta.json", in: folder)) != nil {
                    marked.append("marked \(folder) failed: \(reason)")
                }
                for round in Files.directoryEntries("\(folder)/rounds") {
                    for side in Files.directoryEntries("\(folder)/rounds/\(round)") {
                        marked += mark(in: "\(folder)/rounds/\(round)/\(side)")
                    }
                }
            }
        }
        return marked
    }

    /// Marks `course` failed, with why, when it says "running" and the tvp that answers for it is
    /// gone; returns the reason, nil when it is left alone.
    private static func markKilled(_ course: inout RunCourse) -> String? {
        guard course.status == "running", let owner = course.ownerProcess, !ProcFS.isRunning(identity: owner) else { return nil }
        course.status = "failed"
        course.reason = reason(owner)
        return course.reason
    }

    private static func reason(_ owner: String) -> String {
        "the tvp that ran it (pid \(owner.split(separator: ":").first ?? "")) ended without finishing it (killed, e.g. by SIGKILL); every finished row is kept; found at \(RunMeta.timestamp())"
    }
}
