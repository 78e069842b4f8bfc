import TVPSystem
import TVPWorkloads
import TVPPlan

/// A plugin library as a run used it, for meta.json: the scenario names a path, and the file
/// there can change between two runs of the same scenario text.
public struct PluginFact: Codable, Sendable, Equatable {
    /// The library as the scenario spells it.
    public var library: String
    /// Where it was on this machine.
    public var path: String
    /// The file's size, bytes.
    public var bytes: Int
    /// SHA-256 of the file; nil when it could not be read.
    public var sha256: String?

    enum CodingKeys: String, CodingKey { case library, path, bytes, sha256 }

    /// The libraries of the plugin workloads among `cells`, each once.
    package static func of(_ cells: [Cell]) -> [PluginFact] {
        var seen = Set<String>()
        return cells.compactMap(\.plugin).filter { seen.insert($0.libraryPath).inserted }.map { plugin in
            let contents = try? Files.readAll(plugin.libraryPath, limit: 1 << 30)
            return PluginFact(library: plugin.library, path: plugin.libraryPath, bytes: contents?.count ?? 0,
                              sha256: contents.map { SHA256Hasher.hash($0).hex })
        }
    }
}
