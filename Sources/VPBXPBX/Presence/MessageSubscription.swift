import Foundation
import VPBXSignaling

/// A phone's `message-summary` subscription (RFC 6665 / RFC 3842): the dialog the SUBSCRIBE
/// made, whose mailbox it watches, and where and until when NOTIFYs go.
struct MessageSubscription: Sendable {
    var dialog: Dialog
    let mailbox: String
    let destination: SIPPeerAddress
    var expiresAt: Date
}
