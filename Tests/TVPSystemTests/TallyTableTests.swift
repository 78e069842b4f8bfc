import Glibc
import Testing
@testable import TVPSystem

@Suite("Tally tables")
struct TallyTableTests {
    static func name() -> String { "/tvp-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" }

    @Test("every primitive adds 1 per increment to the shared table; totals add the per-worker tables")
    func primitives() throws {
        let table = try TallyTable.create(bins: 5, slots: 0, padded: false)
        for bin in 0..<5 {
            table.locked.increment(bin)
            table.swiftLocked.increment(bin)
            table.atomic.increment(bin)
            table.racy.increment(bin)
        }
        table.atomic.increment(4)
        #expect(table.totals() == [4, 4, 4, 4, 5])
    }

    @Test("per-worker tables do not overlap, packed (interleaved) or padded, and take zeroes what they return",
          arguments: [false, true])
    func perWorkerTables(padded: Bool) throws {
        let table = try TallyTable.create(bins: 20, slots: 3, padded: padded)
        for slot in 0..<3 {
            for bin in 0..<20 { for _ in 0..<(slot + 1) { table.local(slot).increment(bin) } }
        }
        table.atomic.increment(0)
        #expect(table.totals() == [7] + [UInt64](repeating: 6, count: 19))
        let taken = table.takeSlot(1)
        #expect(taken.count == 20 * 8)
        #expect(taken[0] == 2 && taken[8] == 2 && taken[1] == 0)
        #expect(table.totals() == [5] + [UInt64](repeating: 4, count: 19))
        #expect(table.claimSlot() == 0 && table.claimSlot() == 1 && table.claimSlot() == 2)
        #expect(table.claimSlot() == nil)
    }

    @Test("two threads under the pthread mutex, Swift's Mutex and atomics lose no update",
          arguments: ["mutex", "swift-mutex", "atomic"])
    func threadsLoseNothing(sync: String) throws {
        let table = try TallyTable.create(bins: 4, slots: 0, padded: false)
        let threads = try (0..<2).map { worker in
            try OSThread {
                for i in 0..<200_000 {
                    let bin = (i + worker) % 4
                    switch sync {
                    case "mutex": table.locked.increment(bin)
                    case "swift-mutex": table.swiftLocked.increment(bin)
                    default: table.atomic.increment(bin)
                    }
                }
            }
        }
        threads.forEach { $0.join() }
        #expect(table.totals() == [100_000, 100_000, 100_000, 100_000])
    }

    @Test("a shared table is a POSIX shared-memory object: another mapping sees the counts, remove() unlinks it")
    func sharedObject() throws {
        let name = Self.name()
        let table = try TallyTable.create(bins: 16, slots: 0, padded: false, sharedName: name)
        #expect(Files.exists("/dev/shm" + name))
        do {
            let worker = try TallyTable.open(name, bins: 16)
            worker.locked.increment(3)
            worker.atomic.increment(3)
            worker.racy.increment(15)
        }
        #expect(table.totals()[3] == 2 && table.totals()[15] == 1)
        #expect(throws: TallyTableError.self) { try TallyTable.open(name, bins: 17) }
        table.remove()
        #expect(!Files.exists("/dev/shm" + name))
        #expect(throws: SystemCallError.self) { try TallyTable.open(name, bins: 16) }
        // Creating over an existing object is refused (O_EXCL), and removes nothing it did not make.
        let again = try TallyTable.create(bins: 1, slots: 0, padded: false, sharedName: name)
        defer { again.remove() }
        #expect(throws: SystemCallError.self) { try TallyTable.create(bins: 1, slots: 0, padded: false, sharedName: name) }
        #expect(Files.exists("/dev/shm" + name))
    }

    @Test("a shared-memory object written by another program, not by tvp, is refused as a table")
    func foreignObject() throws {
        let name = Self.name()
        let pipe = try PipePair()
        let pid = try ProcessSpawner.spawn(path: "/bin/sh", arguments: ["sh", "-c", "head -c 4096 /dev/zero > /dev/shm\(name)"], stdout: pipe.writeEnd)
        pipe.writeEnd.closeQuietly()
        pipe.readEnd.closeQuietly()
        _ = try waitForChild(pid)
        defer { _ = shm_unlink(name) }
        #expect { try TallyTable.open(name, bins: 256) } throws: { "\($0)".contains("not a tally table") }
    }
}
