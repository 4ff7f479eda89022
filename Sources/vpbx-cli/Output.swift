import Foundation
import VPBXControl

/// Writing results: pretty sorted JSON for `--json`, aligned tables otherwise.
enum Output {
    static func json<T: Encodable>(_ value: T) {
        let data = (try? RPCCoding.makeEncoder(pretty: true).encode(value)) ?? Data("null".utf8)
        line(String(decoding: data, as: UTF8.self))
    }

    /// One compact JSON object per line, for streams.
    static func jsonLine<T: Encodable>(_ value: T) {
        let data = (try? RPCCoding.makeEncoder().encode(value)) ?? Data("null".utf8)
        line(String(decoding: data, as: UTF8.self))
    }

    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("vpbx: error: " + text + "\n").utf8))
    }

    /// A table with a header row; columns padded to their widest cell.
    static func table(_ headers: [String], _ rows: [[String]]) {
        let widths = headers.indices.map { column in
            ([headers] + rows).map { $0[column].count }.max() ?? 0
        }
        for row in [headers] + rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            line(cells.joined(separator: "  "))
        }
    }

    /// Label/value pairs, for single objects.
    static func fields(_ pairs: [(String, String)]) {
        table(["FIELD", "VALUE"], pairs.map { [$0.0, $0.1] })
    }

    /// RFC 4180 CSV.
    static func csv(_ headers: [String], _ rows: [[String]]) {
        for row in [headers] + rows {
            line(row.map(csvField).joined(separator: ","))
        }
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func date(_ date: Date?) -> String {
        date.map(RPCCoding.formatDate) ?? "-"
    }

    /// `1h 02m 03s`.
    static func duration(seconds: Int) -> String {
        let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
        if h > 0 { return String(format: "%dh %02dm %02ds", h, m, s) }
        if m > 0 { return String(format: "%dm %02ds", m, s) }
        return "\(s)s"
    }
}
