// libFuzzer entry point for everything the engine parses from the network before any
// authentication: SIP messages (datagrams and TCP framing), their typed headers, and SDP
// bodies (parsed, anchored, written back, asked for their codecs and G.711 bridge). Built
// and run by fuzz/run.sh, not by the package: it needs the sanitizer runtime and coverage
// instrumentation of the modules under test.
import VPBXSDP
import VPBXSIP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    if let message = try? SIPParser().parse(bytes) {
        let headers = message.headers
        _ = try? headers.from()
        _ = try? headers.to()
        _ = try? headers.cseq()
        _ = try? headers.contacts()
        _ = try? headers.toTag()
        _ = try? headers.fromTag()
        _ = headers.callID
        _ = headers.expires
        _ = headers.maxForwards
        _ = headers.contentType
        _ = message.serialized()
        if case .request(let request) = message {
            _ = request.uri.serialized
            // What the core does with a received request's header storage (stop 31: the
            // fields are bytes in one buffer): a response copies its lines and tags its To,
            // kept copies move to storage of their own, changes append to the buffer.
            _ = SIPResponse(to: request, status: 486, toTag: "fuzz-tag").serialized()
            _ = request.trimmedForMatching().serialized()
            _ = request.keptForResending().serialized()
            var changed = request
            changed.headers.removeFirstValue("Via")
            changed.headers["Call-ID"] = "fuzz-changed"
            changed.headers.prepend("Record-Route", "<sip:192.0.2.1;lr>")
            _ = changed.headers.callID
            _ = changed.serialized()
        }
    }
    bytes.withUnsafeBytes { _ = try? SIPStreamFramer.nextFrame(in: $0) }
    if let sdp = try? SessionDescription(parsing: String(decoding: bytes, as: UTF8.self)) {
        _ = sdp.anchored(at: "192.0.2.1", audioPort: 4000).serialized()
        // What the core asks of every offer and answer (the G.711 bridge, codecs).
        for section in sdp.media { _ = section.codecs }
        let (passedOn, _) = sdp.passedOnWithBothG711Laws()
        if let bridge = sdp.g711Bridge(toAnswer: passedOn) { _ = passedOn.answeringCaller(through: bridge).serialized() }
    }
    return 0
}
