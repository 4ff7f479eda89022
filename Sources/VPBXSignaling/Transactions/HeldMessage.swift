import VPBXSIP

/// A message a transaction holds only while it may still send it again or build from it,
/// kept behind one reference.
///
/// Inline, an optional `SIPRequest` takes 144 bytes of its transaction whether it is there or
/// not, and a transaction outlives its messages by up to 64·T1 (32 s over UDP) in its wait
/// states: at thousands of calls a second, the empty room was about a kilobyte per call.
/// Behind a reference the transaction keeps 8 bytes, and the message's storage goes when it
/// is let go.
final class HeldMessage<Message: Sendable>: Sendable {
    let message: Message

    init(_ message: Message) { self.message = message }
}
