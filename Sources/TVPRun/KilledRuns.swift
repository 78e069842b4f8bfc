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
                guard meta.status == "running", let owner = meta.ownerProcess, !ProcFS.isRunning(identity: owner) else { continue }
                meta.status = "failed"
                meta.reason = reason(owner)
                if (try? ResultsWriter.writeMeta(meta, in: folder)) != nil {
                    marked.append("marked \(folder) failed: \(meta.reason!)")
                }
            } else if var meta = try? pairedDecoder.decode(PairedMeta.self, from: Data(text.utf8)) {
                guard meta.status == "running", let owner = meta.ownerProcess, !ProcFS.isRunning(identity: owner) else { continue }
                meta.status = "failed"
                meta.reason = reason(owner)
                if let json = try? meta.json(), (try? ResultsWriter.writeFile(json, name: "meta.json", in: folder)) != nil {
                    marked.append("marked \(folder) failed: \(meta.reason!)")
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

    private static let pairedDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    private static func reason(_ owner: String) -> String {
        "the tvp that ran it (pid \(owner.split(separator: ":").first ?? "")) ended without finishing it (killed, e.g. by SIGKILL); every finished row is kept; found at \(RunMeta.timestamp())"
    }
}
