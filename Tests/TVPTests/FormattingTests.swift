import Testing
import TVPWorkloads
import TVPFormatting

/// Each style of each quantity, on the values where its rules change (a unit, a decimal, a sign).
@Suite("formatting")
struct FormattingTests {
    @Test("durations: fixed decimals, three significant digits, rough, elapsed and clock")
    func seconds() {
        func written(_ values: [Double], _ style: Seconds.Style) -> [String] { values.map { Seconds.format($0, style) } }
        #expect(written([12.34e-6, 4.561e-3, 1.2344], .fixed) == ["12.3 µs", "4.56 ms", "1.234 s"])
        #expect(written([0.104, 4.9e-3, 40e-6, 0.9996, 0, -1, .nan], .significant) == ["104 ms", "4.90 ms", "40.0 µs", "1.00 s", "0 s", "–", "–"])
        #expect(written([0.26, 61.34], .tenths) == ["0.3 s", "61.3 s"])
        #expect(written([45, 720, 12_600], .rough) == ["45 s", "12 min", "3.5 h"])
        #expect(written([38, 252, 3_900], .elapsed) == ["38 s", "4 min 12 s", "1 h 05 min"])
        #expect(written([252, 3_723], .clock) == ["4:12", "1:02:03"])
    }

    @Test("percentages: compact, whole, spaced, spaced tenths, a confidence rounded down, signed")
    func percent() {
        func written(_ values: [Double], _ style: Percent.Style) -> [String] { values.map { Percent.format($0, style) } }
        #expect(written([0.05, 0.125], .compact) == ["5%", "12.5%"])
        #expect(written([0.124, 0.135], .whole) == ["12%", "14%"])
        #expect(written([0.003, 0.05, 0.124], .spaced) == ["0.3 %", "5 %", "12 %"])
        #expect(written([0.004, 0.12], .spacedTenths) == ["0.4 %", "12.0 %"])
        #expect(written([0.99959], .spacedHundredthsDown) == ["99.95 %"])
        #expect(written([0.215, -0.03], .signed) == ["+21.5%", "-3.0%"])
    }

    @Test("factors: hundredths, hundredths or two significant digits, short")
    func ratio() {
        func written(_ values: [Double], _ style: Ratio.Style) -> [String] { values.map { Ratio.format($0, style) } }
        #expect(written([1.9, 0.052], .hundredths) == ["1.90×", "0.05×"])
        #expect(written([1.9, 0.052], .hundredthsOrSignificant) == ["1.90×", "0.052×"])
        #expect(written([1.94, 0.85, 14.2, 120, .nan], .short) == ["1.9×", "0.85×", "14×", "120×", "–"])
    }

    @Test("byte sizes: exact, three significant digits, whole units rounded down, tenths of MiB")
    func byteSize() {
        let exact: [Int] = [8 << 20, 1_536 << 10, 100]
        #expect(exact.map { SizeSyntax.format($0) } == ["8MiB", "1536KiB", "100B"])
        let sizes: [Double] = [64 * 1_048_576, 1.5 * 1_073_741_824, 512]
        #expect(sizes.map { ByteSize.format($0, .significant) } == ["64 MiB", "1.5 GiB", "0.5 KiB"])
        let counts: [Int] = [3 << 20 + 5, 12 << 10 + 1, 100]
        #expect(counts.map { ByteSize.format($0, .wholeUnitsDown) } == ["3 MiB", "12 KiB", "100 bytes"])
        let peaks: [Double] = [1_536 * 1_024, 900 * 1_024]
        #expect(peaks.map { ByteSize.format($0, .tenthsOfMiB) } == ["1.5 MiB", "900 KiB"])
    }

    @Test("rates, plain numbers and Markdown")
    func others() {
        #expect(Rate.format(megabytesPerSecond: 412.4) == "412 MB/s")
        let numbers: [Double] = [12, 2.3456, 0.041666]
        #expect(numbers.map(Number.format) == ["12", "2.35", "0.0417"])
        #expect(Markdown.inline("a | b\nc") == "a \\| b c")
    }
}
