import Foundation
import Logging
import Synchronization
import VPBXMediaIO
import VPBXStore

/// Emails each new voicemail message of a box that has an address (`vpbx ext set 1001
/// --vm-email anna@example.hu`) through the system's mail command, as Asterisk's
/// `mailcmd` (`/usr/sbin/sendmail -t`): the engine speaks no SMTP itself, the machine's mail
/// transfer agent (Postfix, exim, msmtp, nullmailer) queues and delivers. A failure (no
/// such command, its non-zero exit, no end within the time limit) is logged and tried again
/// later, as an MTA's queue does: the message's row says where it is to be mailed until the
/// command took it (`email_to`, `emailed_at`), so a message left while the command failed,
/// or while the engine stopped, is mailed once it works again. The message stays in the box
/// either way, so nothing a caller left is lost.
struct VoicemailMailer: Sendable {
    /// The command and its arguments, the message on its standard input.
    let command: [String]
    /// The sender's address (From).
    let from: String
    let extensions: any ExtensionRepository
    let voicemail: any VoicemailRepository
    let files: VoicemailFiles
    let logger: Logger
    /// The longest the command may take before it is stopped (a relay that hangs).
    var timeout: Duration = .seconds(30)
    /// The waits between tries of one message in seconds, the last repeated: 1, 5 and 15
    /// minutes, then hourly.
    var retryDelays: [TimeInterval] = [60, 300, 900, 3600]
    /// How long after a message was left its email is still tried: Postfix's
    /// `maximal_queue_lifetime`. A message older than this is left unmailed (it is in the box).
    var givingUpAfter: TimeInterval = 5 * 86_400

    /// `/usr/sbin/sendmail -t -i`: addresses from the headers, a lone `.` not the end.
    static let defaultCommand = ["/usr/sbin/sendmail", "-t", "-i"]

    /// `vpbx@HOST`: the machine's name, as mail from a daemon usually is.
    static var defaultFrom: String {
        "vpbx@" + (ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName)
    }

    /// Emails `message` to its ``VoicemailMessageRecord/emailTo`` in the background, trying
    /// again after a failure.
    func deliverInBackground(_ message: VoicemailMessageRecord) {
        Task { await deliver(message) }
    }

    /// At the engine's start: every message still to be emailed (its tries failed, or the
    /// engine stopped first) is tried again, to its box's address of now (none: not mailed);
    /// those left too long ago are given up.
    func resumeAwaiting(now: Date = Date()) async {
        let awaiting: [VoicemailMessageRecord]
        do {
            awaiting = try await voicemail.messagesAwaitingEmail()
        } catch {
            logger.error("voicemail emails still to send are unreadable at start: \(error)")
            return
        }
        let stale = awaiting.filter { now.timeIntervalSince($0.receivedAt) > givingUpAfter }
        if !stale.isEmpty {
            logger.warning(
                "\(stale.count) voicemail message(s) left more than \(Int(givingUpAfter / 86_400)) days ago were never emailed; they stay in their boxes"
            )
        }
        // The boxes' addresses now; unreadable, the addresses the messages were left with.
        let boxes = (try? await voicemail.mailboxes()).map { boxes in
            Dictionary(uniqueKeysWithValues: boxes.map { ($0.extensionNumber, $0.email) })
        }
        for var message in awaiting where now.timeIntervalSince(message.receivedAt) <= givingUpAfter {
            if let boxes {
                guard let address = boxes[message.mailbox] ?? nil else { continue }
                message.emailTo = address
            }
            deliverInBackground(message)
        }
    }

    /// Tries until the command takes the email (then records it), the message is deleted or
    /// mailed otherwise, its box no longer has an address, or it is older than
    /// ``givingUpAfter``. Each try after the first goes to the box's address of the moment:
    /// an administrator who corrects it while the command fails has the pending ones follow.
    func deliver(_ message: VoicemailMessageRecord) async {
        guard var address = message.emailTo else { return }
        var tries = 0
        while true {
            if await mail(message, to: address) {
                do {
                    try await voicemail.markEmailed(id: message.id, at: Date())
                } catch {
                    logger.error(
                        "voicemail emailed, but that is not recorded (it may be mailed again at the next start): \(error)",
                        metadata: ["id": "\(message.id.uuidString.lowercased())"])
                }
                return
            }
            let delay = retryDelays[min(tries, retryDelays.count - 1)]
            tries += 1
            guard Date().addingTimeInterval(delay).timeIntervalSince(message.receivedAt) <= givingUpAfter else {
                logger.error(
                    "voicemail not emailed after \(tries) tries; given up (the message stays in the box)",
                    metadata: ["mailbox": "\(message.mailbox)", "id": "\(message.id.uuidString.lowercased())"])
                return
            }
            try? await Task.sleep(for: .seconds(delay))
            // Deleted from the box meanwhile, or mailed by another try: nothing to do. A store
            // that cannot be read now is no reason to stop trying.
            do {
                guard let current = try await voicemail.message(id: message.id), current.awaitsEmail,
                    let boxAddress = try await voicemail.mailbox(message.mailbox)?.email
                else { return }
                address = boxAddress
            } catch {
                logger.warning(
                    "voicemail message unreadable before its next email try: \(error)",
                    metadata: ["id": "\(message.id.uuidString.lowercased())"])
            }
        }
    }

    /// Builds and sends the email once; returns whether the command took it.
    @discardableResult
    func mail(_ message: VoicemailMessageRecord, to address: String) async -> Bool {
        let id = message.id.uuidString.lowercased()
        let metadata: Logger.Metadata = ["mailbox": "\(message.mailbox)", "id": "\(id)", "to": "\(address)"]
        let owner = try? await extensions.get(message.mailbox)
        let wav: [UInt8]
        do {
            wav = try files.bytes(message.audioPath)
        } catch {
            logger.error("voicemail not emailed: its audio is unreadable: \(error)", metadata: metadata)
            return false
        }
        let email = VoicemailEmail(
            from: from, to: address, mailbox: message.mailbox, caller: message.caller, callerName: message.callerName,
            receivedAt: message.receivedAt, durationMilliseconds: message.durationMilliseconds,
            language: owner?.language.rawValue ?? "hu", messageID: id, wav: wav)
        switch await MailCommand.run(command, input: Array(email.rendered().utf8), timeout: timeout) {
        case .sent:
            logger.notice("voicemail emailed", metadata: metadata)
            return true
        case .failed(let why):
            logger.error(
                "voicemail not emailed (the message stays in the box; tried again later): \(why)",
                metadata: metadata.merging(["command": "\(command.joined(separator: " "))"]) { $1 })
            return false
        }
    }
}

/// Runs a command with bytes on its standard input and waits, within a time limit, for its
/// end (Foundation's `Process`: the waiting is a termination handler, no thread blocks).
enum MailCommand {
    enum Outcome: Equatable {
        case sent
        case failed(String)
    }

    static func run(_ command: [String], input: [UInt8], timeout: Duration) async -> Outcome {
        guard let executable = command.first else { return .failed("no mail command") }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            return .failed(
                "\(executable) is not there: install a mail transfer agent (postfix, msmtp-mta) or give --mail-command")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst())
        let stdin = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        // What it says on stderr is gathered as it comes: reading it to its end afterwards
        // would wait for every process holding the pipe (a child of a stopped command).
        let complaints = Mutex<[UInt8]>([])
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            complaints.withLock { $0 += data.prefix(max(0, 4096 - $0.count)) }
        }
        let ended = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            ended.continuation.yield(finished.terminationStatus)
            ended.continuation.finish()
        }
        do {
            try process.run()
        } catch {
            return .failed("\(executable) did not start: \(error)")
        }
        // The message is written on a thread of its own: a command that reads nothing would
        // otherwise block the writer once the pipe's buffer is full. (A command stopped for
        // its time while a child of it holds the pipe leaves that thread blocked until the
        // child ends: rare, and only a thread.)
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let deadline = Task {
            try await Task.sleep(for: timeout)
            guard process.isRunning else { return }
            process.terminate()
            // A command may ignore SIGTERM. (A child it started that goes on running keeps
            // Foundation from seeing the end until the child's: `Process` watches them all.)
            try await Task.sleep(for: .seconds(1))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        var status: Int32 = -1
        for await code in ended.stream { status = code }
        deadline.cancel()
        // The handler may still be handing over the last of it.
        try? await Task.sleep(for: .milliseconds(20))
        stderr.fileHandleForReading.readabilityHandler = nil
        let complaint = String(decoding: complaints.withLock { $0 }, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationReason == .uncaughtSignal {
            return .failed("\(executable) was stopped after \(timeout) (or killed)")
        }
        return status == 0
            ? .sent
            : .failed("\(executable) exited with \(status)" + (complaint.isEmpty ? "" : ": \(complaint.prefix(300))"))
    }
}
