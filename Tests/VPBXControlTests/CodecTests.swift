import Foundation
import Testing

@testable import VPBXControl

@Suite struct CodecTests {
    func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        let data = try RPCCoding.makeEncoder().encode(value)
        return try RPCCoding.makeDecoder().decode(T.self, from: data)
    }

    @Test func jsonValueRoundTripsKeepingIntegersExact() throws {
        let value: JSONValue = [
            "int": .int(9_007_199_254_740_993), "double": 1.5, "s": "Árvíztűrő", "b": true, "n": nil,
            "a": [1, "two", [:]],
        ]
        #expect(try roundTrip(value) == value)
        #expect(try RPCCoding.decode(JSONValue.self, from: value) == value)
    }

    @Test func datesUseISO8601WithFractionalSecondsInUTC() throws {
        let date = Date(timeIntervalSince1970: 1_738_324_800.25)
        let text = String(decoding: try RPCCoding.makeEncoder().encode([date]), as: UTF8.self)
        #expect(text == "[\"2025-01-31T12:00:00.250Z\"]")
        #expect(RPCCoding.parseDate("2025-01-31T12:00:00Z") == Date(timeIntervalSince1970: 1_738_324_800))
        #expect(RPCCoding.parseDate("2025-01-31T13:00:00.250+01:00") == date)
        #expect(RPCCoding.parseDate("yesterday") == nil)
    }

    @Test func responsesRoundTrip() throws {
        let ok = RPCResponse.success(id: 7, ["x": 1])
        let failed = RPCResponse.failure(id: "a", .notFound("no extension 999"))
        #expect(try roundTrip(ok) == ok)
        #expect(try roundTrip(failed) == failed)
        let text = String(decoding: try RPCCoding.makeEncoder().encode(failed), as: UTF8.self)
        #expect(text.contains("\"reason\":\"not_found\""))
        #expect(text.contains("\"code\":-32002"))
        #expect(try roundTrip(failed).outcome == .failure(.notFound("no extension 999")))
    }

    @Test func messagesAreClassified() throws {
        #expect(
            try RPCMessage(["jsonrpc": "2.0", "id": 1, "method": "call.list"])
                == .request(.init(id: 1, method: "call.list")))
        #expect(
            try RPCMessage(["jsonrpc": "2.0", "method": "event", "params": [:]])
                == .notification(.init(method: "event", params: [:])))
        guard case .response = try RPCMessage(["jsonrpc": "2.0", "id": 1, "result": nil]) else {
            Issue.record("expected a response")
            return
        }
        #expect(throws: RPCError.self) { try RPCMessage([1, 2]) }
        #expect(throws: RPCError.self) { try RPCMessage(["jsonrpc": "1.0", "id": 1, "method": "x"]) }
        #expect(throws: RPCError.self) { try RPCMessage(["jsonrpc": "2.0", "id": 1, "method": "x", "params": 3]) }
        #expect(throws: RPCError.self) { try RPCMessage(["jsonrpc": "2.0", "id": 1.5, "method": "x"]) }
    }

    @Test func dtosRoundTripWithCamelCaseKeys() throws {
        let start = Date(timeIntervalSince1970: 1_700_000_000.5)
        let cdr = CDRInfo(
            id: "c1", caller: "101", callerName: "Kovács Éva", callee: "+3612345678", startedAt: start,
            answeredAt: start.addingTimeInterval(3), endedAt: start.addingTimeInterval(63), durationSeconds: 63,
            billableSeconds: 60, disposition: .noAnswer, cause: "480 Temporarily Unavailable", hangupSide: .caller)
        #expect(try roundTrip(cdr) == cdr)
        let json = try RPCCoding.jsonValue(cdr)
        #expect(json["billableSeconds"] == 60)
        #expect(json["disposition"] == "no_answer")
        let call = CallInfo(
            id: "x", caller: "101", callee: "102", state: .ringing, startedAt: start,
            legs: [CallLegInfo(id: "b1", party: "102", state: .ringing)])
        #expect(try roundTrip(call) == call)
        let reg = RegistrationInfo(
            extension: "101", contact: "sip:101@10.0.0.5:5060", transport: "udp", source: "10.0.0.5:5060",
            userAgent: "Yealink", expiresAt: start, expiresIn: 300)
        #expect(try RPCCoding.jsonValue(reg)["extension"] == "101")
        #expect(try roundTrip(reg) == reg)
    }

    @Test func extensionInfoNeverCarriesAPassword() throws {
        let info = ExtensionInfo(number: "101", name: "Anna", kind: .desk)
        guard case .object(let members) = try RPCCoding.jsonValue(info) else { return }
        #expect(
            !members.keys.contains {
                $0.lowercased().contains("password") || $0.lowercased().contains("hash")
                    || $0.lowercased().contains("pin")
            })
    }

    @Test func extensionInfoFromAnEngineWithoutVoicemailDecodes() throws {
        let old = #"{"number":"101","name":"Anna","kind":"desk","language":"hu","enabled":true}"#
        let info = try RPCCoding.makeDecoder().decode(ExtensionInfo.self, from: Data(old.utf8))
        #expect(info == ExtensionInfo(number: "101", name: "Anna", kind: .desk))
    }

    @Test func badParamsNameTheField() throws {
        let missing = #expect(throws: RPCError.self) {
            try ExtensionCreate.decodeParams(["number": "101", "password": "x"])
        }
        #expect(missing?.message.contains("'name'") == true)
        #expect(missing?.reason == .invalidArgument)
        #expect(missing?.data?["field"] == "name")
        let badKind = #expect(throws: RPCError.self) {
            try ExtensionCreate.decodeParams(["number": "101", "name": "A", "password": "x", "kind": "phone"])
        }
        #expect(badKind?.message.contains("desk, agent, mobile") == true)
        let badType = #expect(throws: RPCError.self) { try CDRSearch.decodeParams(["limit": "ten"]) }
        #expect(badType?.message.contains("'limit'") == true)
        #expect(try CDRSearch.decodeParams(nil) == CDRSearch.Params())
        #expect(try EngineStatus.decodeParams(.null) == NoParams())
    }
}
