import Glibc
import Testing
@testable import TVPSystem

@Suite("Thread tick")
struct ThreadTickTests {
    @Test("a tick ends a blocking read on an empty pipe (nil: interrupted), and data is read whole after it")
    func tickEndsBlockingRead() throws {
        let pipe = try PipePair()
        defer { pipe.readEnd.closeQuietly(); pipe.writeEnd.closeQuietly() }
        var buffer = [UInt8](repeating: 0, count: 64)
        do {
            let tick = try ThreadTick(intervalSeconds: 0.05)
            // Nothing is written: without the tick this read would wait for ever.
            #expect(try pipe.readEnd.readInterruptibly(into: &buffer) == nil)
            try pipe.writeEnd.writeAll([7, 8, 9])
            var count: Int?
            // A tick may land between the write and the read; the bytes are still there after it.
            for _ in 0..<10 where count == nil { count = try pipe.readEnd.readInterruptibly(into: &buffer) }
            #expect(count == 3)
            #expect(Array(buffer[0..<3]) == [7, 8, 9])
            withExtendedLifetime(tick) {}
        }
        // The tick is gone with its owner: a read with data waiting returns it, none is interrupted.
        try pipe.writeEnd.writeAll([1])
        #expect(try pipe.readEnd.readInterruptibly(into: &buffer) == 1)
    }

    @Test("a tick reaches only the thread that started it: a read on another thread keeps waiting")
    func tickIsThreadDirected() throws {
        let pipe = try PipePair()
        defer { pipe.readEnd.closeQuietly(); pipe.writeEnd.closeQuietly() }
        let tick = try ThreadTick(intervalSeconds: 0.02)
        let outcome = ReadOutcome()
        let reader = try OSThread(stackBytes: 256 * 1024) {
            var buffer = [UInt8](repeating: 0, count: 8)
            // Interrupted only if a tick were sent to this thread; the write below ends it.
            outcome.count = (try? pipe.readEnd.readInterruptibly(into: &buffer)) ?? -1
        }
        // Several ticks of the starting thread pass while the other thread waits (each tick ends a
        // sleep of this thread early, so it sleeps again until 0.2 s have passed).
        let start = MonotonicInstant.now()
        while MonotonicInstant.now().seconds(since: start) < 0.2 { usleep(10_000) }
        try pipe.writeEnd.writeAll([5])
        reader.join()
        #expect(outcome.count == 1, "nil means the other thread's read was interrupted")
        withExtendedLifetime(tick) {}
    }
}

/// What the reading thread saw, read after `join`.
private final class ReadOutcome: @unchecked Sendable {
    var count: Int??
}
