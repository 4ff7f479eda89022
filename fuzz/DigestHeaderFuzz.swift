// libFuzzer entry point for the digest authentication headers every unauthenticated REGISTER
// and INVITE may carry (Authorization, Proxy-Authorization) and the challenges the engine
// parses back in tests: DigestCredentials, DigestChallenge, DigestAlgorithm. Built and run by
// fuzz/run.sh.
import VPBXSignaling

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    if let credentials = try? DigestCredentials(parsing: text) { _ = credentials }
    if let challenge = try? DigestChallenge(parsing: text) { _ = challenge.headerValue }
    _ = try? DigestAlgorithm(parsing: text)
    return 0
}
