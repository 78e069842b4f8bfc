import Glibc
import SystemPackage
import Testing
@testable import TVPSystem

@Suite("Descriptors handed over a Unix socket (SCM_RIGHTS)")
struct DescriptorPassingTests {
    /// Whether `descriptor` is open in this process.
    func isOpen(_ descriptor: FileDescriptor) -> Bool { fcntl(descriptor.rawValue, F_GETFD) != -1 }

    @Test("pipes handed over arrive as new descriptors of the same pipes, close-on-exec, in order; more than one message's worth too",
          arguments: [2, 600])
    func handOver(count: Int) throws {
        let line = try SocketPair(keepsMessages: true)
        defer { line.closeQuietly() }
        let pipes = try (0..<count / 2).map { _ in try PipePair() }
        let ends = pipes.flatMap { [$0.readEnd, $0.writeEnd] }
        try line.first.sendDescriptors(ends, tag: 7)
        // The sender gives up its copies: the pipes live on in the received descriptors alone.
        ends.forEach { $0.closeQuietly() }
        let received = try line.second.receiveDescriptors(count: count, tag: 7)
        defer { received.forEach { $0.closeQuietly() } }
        #expect(received.count == count)
        #expect(received.allSatisfy { fcntl($0.rawValue, F_GETFD) & FD_CLOEXEC != 0 })
        for pair in stride(from: 0, to: count, by: 2) {
            try received[pair + 1].writeAll([UInt8(pair % 256), 1, 2])
            var bytes = [UInt8](repeating: 0, count: 3)
            #expect(try received[pair].readExactly(into: &bytes) == 3 && bytes == [UInt8(pair % 256), 1, 2])
        }
    }

    @Test("a hand-over for another tag or of another count is refused and closes what came; a closed socket is an error, not a wait")
    func refusals() throws {
        InterruptSignal.ignoreBrokenPipes()
        let line = try SocketPair(keepsMessages: true)
        defer { line.second.closeQuietly() }
        let pipe = try PipePair()
        defer { pipe.writeEnd.closeQuietly() }
        try line.first.sendDescriptors([pipe.readEnd], tag: 3)
        pipe.readEnd.closeQuietly()
        #expect { try line.second.receiveDescriptors(count: 1, tag: 4) } throws: {
            "\($0)" == "expected a hand-over of 1 descriptors for 4, got 1 for 3"
        }
        // The refused copy was closed: the pipe has no reader left, so a write fails with EPIPE.
        #expect { try pipe.writeEnd.writeAll([1]) } throws: { ($0 as? SystemCallError)?.errno == .brokenPipe }
        let other = try PipePair()
        defer { other.readEnd.closeQuietly(); other.writeEnd.closeQuietly() }
        try line.first.sendDescriptors([other.readEnd, other.writeEnd], tag: 4)
        #expect(throws: DescriptorHandOffError.unexpected(expected: "1 descriptors for 4", got: "2 for 4")) {
            try line.second.receiveDescriptors(count: 1, tag: 4)
        }
        line.first.closeQuietly()
        #expect(throws: DescriptorHandOffError.closed) { try line.second.receiveDescriptors(count: 1, tag: 5) }
    }
}
