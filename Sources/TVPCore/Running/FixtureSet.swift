import TVPSystem
import TVPWorkloads

/// The run's fixture files in one private temporary directory (mode 0700), created before any
/// clock starts and removed when the run ends.
final class FixtureSet {
    /// The private directory.
    let directory: String
    private var fixtures: [Workload: IOFixture] = [:]

    /// Creates the directory and the files every `io` workload of `workloads` needs for `tasks` tasks.
    init(workloads: [Workload], tasks: Int) throws {
        directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-fixtures-")
        do {
            for workload in workloads {
                if case .io(let io) = workload {
                    fixtures[workload] = try IOFixture.create(for: io, tasks: tasks, in: directory)
                }
            }
        } catch {
            Files.removeTree(directory)
            throw error
        }
    }

    /// The fixture of `workload`; nil for workloads that read no files.
    func fixture(for workload: Workload) -> IOFixture? { fixtures[workload] }

    /// Puts the page cache in the state the cell asks for, just before its clock starts: a warm
    /// trial reads its files (the machine evicts idle pages within ~30 s), a cold one drops them.
    func prepareCache(for workload: Workload) throws {
        guard case .io(let io) = workload, let fixture = fixtures[workload] else { return }
        switch io.cache {
        case .warm:
            var buffer = [UInt8](repeating: 0, count: TaskRunner.readChunkBytes)
            for path in fixture.allPaths { try Files.streamRead(path, buffer: &buffer) { _ in } }
        case .cold:
            for path in fixture.allPaths { try Files.dropFromPageCache(path) }
        }
    }

    /// Removes the directory and every file in it.
    func remove() { Files.removeTree(directory) }
}
