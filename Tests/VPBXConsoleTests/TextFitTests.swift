import Testing
import VPBXConsole
import VPBXTerminal

@Suite("Text fitting and formats")
struct TextFitTests {
    @Test func fitsByCharactersNotBytes() {
        #expect("Győző".fitted(to: 7) == "Győző  ")
        #expect("Kovács Ödön".fitted(to: 6) == "Kovác…")
        #expect("42".fitted(to: 5, alignment: .right) == "   42")
        #expect("abc".fitted(to: 0) == "")
    }

    @Test func gridClipsAtTheEdges() {
        var grid = GridCanvas(rows: 2, columns: 5)
        grid.put("őűőűőű", row: 0, column: 2)
        grid.put("x", row: 5, column: 0)
        grid.put("abc", row: 1, column: -1)
        #expect(grid.lines == ["  őűő", "bc"])
    }

    @Test func durationsAndUptimes() {
        #expect(Format.duration(seconds: 7) == "0:07")
        #expect(Format.duration(seconds: 754) == "12:34")
        #expect(Format.duration(seconds: 3723) == "1:02:03")
        #expect(Format.uptime(seconds: 45) == "45s")
        #expect(Format.uptime(seconds: 3723) == "1h02m")
        #expect(Format.uptime(seconds: 2 * 86400 + 3 * 3600) == "2d03h")
    }
}
