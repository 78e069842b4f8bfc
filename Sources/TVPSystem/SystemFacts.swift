import Glibc

/// Facts about the machine that come from system calls rather than from `/proc` (see `ProcFS`).
public enum SystemFacts {
    /// Logical CPUs online (`sysconf(_SC_NPROCESSORS_ONLN)`).
    public static func logicalCPUs() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// The kernel's name and release (`uname`), e.g. "Linux 6.1.0".
    public static func kernel() -> String {
        var info = utsname()
        uname(&info)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
        }
        return "\(field(info.sysname)) \(field(info.release)) \(field(info.machine))"
    }

    /// The machine's host name (`gethostname`).
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
