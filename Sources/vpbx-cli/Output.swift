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

    /// A JSON array written a part at a time, byte for byte as ``json(_:)`` writes it whole:
    /// an export of a year's records never holds them all.
    struct JSONArrayStream {
        private var written = 0

        /// Writes `values` as the array's next elements.
        mutating func append<T: Encodable>(contentsOf values: [T]) {
            guard !values.isEmpty, let data = try? RPCCoding.makeEncoder(pretty: true).encode(values) else { return }
            // The part as an array of its own is "[\n", its elements indented as the whole
            // array's would be, "\n]": written without its brackets, joined by ",\n".
            let elements = data.dropFirst(2).dropLast(2)
            Output.write((written == 0 ? "[\n" : ",\n") + String(decoding: elements, as: UTF8.self), to: STDOUT_FILENO)
            written += values.count
        }

        /// Closes the array; with nothing appended, writes the empty array as ``json(_:)`` does.
        func finish() {
            if written == 0 { Output.json([Int]()) } else { Output.write("\n]\n", to: STDOUT_FILENO) }
        }
    }

    static func line(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    static func error(_ text: String) {
        write("vpbx: error: " + text + "\n", to: STDERR_FILENO)
    }

    /// Something the reader should know that is not an error, on stderr (stdout stays the
    /// result alone, for scripts).
    static func note(_ text: String) {
        write("vpbx: note: " + text + "\n", to: STDERR_FILENO)
    }

    /// Writes everything or exits. Foundation's `FileHandle.write` traps on a write error, so
    /// `vpbx cdr search --csv | head` crashed when `head` closed the pipe. A reader that has
    /// seen enough is not a failure: exit 0 quietly, as `yes | head` does. Any other error
    /// (a full disk under `> file`) is reported and exits 1, so scripts notice.
    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
                continue
            }
            if written < 0 && errno == EINTR { continue }
            if errno == EPIPE { exit(0) }
            if descriptor != STDERR_FILENO {
                let reason = String(cString: strerror(errno))
                write("vpbx: error: cannot write the output: \(reason)\n", to: STDERR_FILENO)
            }
            exit(ExitStatus.engineError)
        }
    }

    /// A table with a header row; columns padded to their widest cell.
    static func table(_ headers: [String], _ rows: [[String]]) {
        var stream = TableStream(headers: headers)
        stream.append(rows)
        stream.finish()
    }

    /// A table written a page at a time, so an export of a year never holds more than a page:
    /// the columns are as wide as the header and the first page need (for a single page,
    /// exactly ``table(_:_:)``); a later cell wider than its column is written whole, pushing
    /// the rest of its line to the right, as `ps` does.
    struct TableStream {
        private let headers: [String]
        private var widths: [Int]?

        init(headers: [String]) {
            self.headers = headers
        }

        /// Writes `rows`; the first call sets the widths and writes the header line first.
        mutating func append(_ rows: [[String]]) {
            var text = ""
            if widths == nil {
                let widths = headers.indices.map { column in
                    ([headers] + rows).map { $0[column].count }.max() ?? 0
                }
                self.widths = widths
                text += Self.line(headers, widths: widths)
            }
            guard let widths else { return }
            for row in rows { text += Self.line(row, widths: widths) }
            if !text.isEmpty { Output.write(text, to: STDOUT_FILENO) }
        }

        /// With nothing appended, writes the header line alone, as an empty table has.
        mutating func finish() {
            if widths == nil { append([]) }
        }

        private static func line(_ row: [String], widths: [Int]) -> String {
            let cells = row.enumerated().map { column, cell in
                // Padded by characters, as the widths are counted (NSString's padding counts
                // UTF-16 units, and went through a bridge per cell: a fifth of a 10,000-row table).
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[column] - cell.count))
            }
            return cells.joined(separator: "  ") + "\n"
        }
    }

    /// Label/value pairs, for single objects.
    static func fields(_ pairs: [(String, String)]) {
        table(["FIELD", "VALUE"], pairs.map { [$0.0, $0.1] })
    }

    /// RFC 4180 CSV: the header row (unless nil, for rows that go on an earlier part), then
    /// the rows, in one write.
    static func csv(_ headers: [String]?, _ rows: [[String]]) {
        var text = ""
        for row in (headers.map { [$0] } ?? []) + rows {
            text += row.map(csvField).joined(separator: ",")
            text += "\n"
        }
        if !text.isEmpty { write(text, to: STDOUT_FILENO) }
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

extension Output {
    /// How writing binary output (audio) to standard output ended.
    enum BinaryWrite {
        case complete
        /// The reader closed the pipe before the end (a player that was stopped): not an error.
        case readerClosed
    }

    /// Writes `data` to standard output as it is; another write error than a closed pipe is
    /// reported and exits 1.
    static func binary(_ data: Data) -> BinaryWrite {
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { buffer in
                Foundation.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written > 0 {
                offset += written
                continue
            }
            if written < 0 && errno == EINTR { continue }
            if errno == EPIPE { return .readerClosed }
            error("cannot write the audio to standard output: \(String(cString: strerror(errno)))")
            exit(ExitStatus.engineError)
        }
        return .complete
    }
}
