import Foundation
import Synchronization

/// A web server on 127.0.0.1 that records the requests it gets and answers each with
/// `status` (no body): the CRM side of the engine's webhooks. Each connection is served on a
/// thread of its own, requests one after the other (keep-alive); every wait is bounded.
final class HTTPReceiver: Sendable {
    struct Request: Sendable {
        let head: String
        let body: [UInt8]

        var requestLine: String { head.split(separator: "\r\n").first.map(String.init) ?? "" }

        func header(_ name: String) -> String? {
            head.split(separator: "\r\n").dropFirst().lazy.compactMap { line -> String? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == name.lowercased() else { return nil }
                return parts[1].trimmingCharacters(in: .whitespaces)
            }.first
        }

        /// The body as JSON (an object), if it is one.
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    let port: UInt16
    private let requests = Mutex<[Request]>([])
    private let running = Mutex(true)
    private let status: Int
    /// Requests still to be answered 503 before `status` (a receiver restarting).
    private let failuresLeft: Mutex<Int>

    init(status: Int = 200, failingFirst failures: Int = 0) throws {
        let listener = try TCPListener()
        port = listener.port
        self.status = status
        failuresLeft = Mutex(failures)
        let receiver = UncheckedBox(listener)
        Thread { [self] in
            while running.withLock({ $0 }) {
                guard let connection = receiver.value.accept(timeout: .milliseconds(200)) else { continue }
                let box = UncheckedBox(connection)
                Thread { [self] in serve(box.value) }.start()
            }
        }.start()
    }

    var received: [Request] { requests.withLock { $0 } }

    func stop() { running.withLock { $0 = false } }

    private func serve(_ connection: TCPClient) {
        while running.withLock({ $0 }) {
            guard let (head, body) = try? connection.readMessageWithBody(timeout: .seconds(30)) else { return }
            requests.withLock { $0.append(Request(head: head, body: body)) }
            let failing = failuresLeft.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            try? connection.send("HTTP/1.1 \(failing ? 503 : status) Whatever\r\nContent-Length: 0\r\n\r\n")
        }
    }
}

/// Hands a non-Sendable value to the thread that alone uses it from then on.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
