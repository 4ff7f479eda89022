import Foundation
import VPBXSignaling

/// A phone's subscription (RFC 6665): the dialog the SUBSCRIBE made, what it watches, and
/// where and until when NOTIFYs go.
struct EventSubscription: Sendable {
    /// The event package and what it watches.
    enum Package: Sendable, Equatable {
        /// `message-summary` (RFC 3842): a mailbox's voicemail counts.
        case messageSummary(mailbox: String)
        /// `dialog` (RFC 4235): an extension's calls, for a phone's busy lamp field.
        case dialog(watched: String)

        var eventName: String {
            switch self {
            case .messageSummary: "message-summary"
            case .dialog: "dialog"
            }
        }
    }

    var dialog: Dialog
    let package: Package
    let destination: SIPPeerAddress
    var expiresAt: Date
    /// The `version` of the next dialog-info document (RFC 4235 §4.1: one more per NOTIFY).
    var version = 0

    /// The mailbox, for a `message-summary` subscription.
    var mailbox: String? {
        if case .messageSummary(let mailbox) = package { return mailbox }
        return nil
    }

    /// The watched extension, for a `dialog` subscription.
    var watchedExtension: String? {
        if case .dialog(let watched) = package { return watched }
        return nil
    }
}
