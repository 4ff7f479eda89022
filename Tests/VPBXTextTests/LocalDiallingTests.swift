import Testing

@testable import VPBXText

@Suite struct LocalDiallingTests {
    static let budapest = LocalDialling(areaCode: "1")
    static let szeged = LocalDialling(areaCode: "62")

    @Test(arguments: [
        (budapest, "234 5678", "+3612345678"), (budapest, "9876543", "+3619876543"),
        (szeged, "423-456", "+3662423456"), (szeged, "987654", "+3662987654"),
    ])
    func readsTheAreasSubscriberNumbers(local: LocalDialling, dialled: String, e164: String) {
        let number = PublicNumber(dialled: dialled, local: local)
        #expect(number?.e164 == e164 && number?.reach == .national, "\(dialled): \(String(describing: number))")
    }

    /// A number of the wrong length for the area, or one starting with 1 (the service numbers)
    /// or 0 (the prefixes), is no local number; nor is anything without an area.
    @Test(arguments: [
        (budapest, "234567"), (budapest, "23456789"), (budapest, "1234567"), (budapest, "0234567"),
        (szeged, "2345678"), (szeged, "12345"), (szeged, "123456"), (LocalDialling.none, "2345678"),
        (budapest, "234567a"),
    ])
    func refusesWhatIsNoLocalNumber(local: LocalDialling, dialled: String) {
        #expect(PublicNumber(dialled: dialled, local: local) == nil)
    }

    @Test func completeNumbersAreReadAsBeforeWithAnArea() {
        #expect(PublicNumber(dialled: "06 30 123 4567", local: Self.budapest)?.e164 == "+36301234567")
        #expect(PublicNumber(dialled: "06 62 123 456", local: Self.budapest)?.e164 == "+3662123456")
        #expect(PublicNumber(dialled: "112", local: Self.budapest)?.reach == .emergency)
    }

    @Test func theOutsidePrefixIsLeftOutWhenItStartsANumber() {
        let office = LocalDialling(areaCode: "1", outsidePrefix: "0")
        #expect(PublicNumber(dialled: "0 234 5678", local: office)?.e164 == "+3612345678")
        #expect(PublicNumber(dialled: "00049301234567", local: office)?.e164 == "+49301234567")
        #expect(PublicNumber(dialled: "0112", local: office)?.reach == .emergency)
        // After the prefix first: 0 06 30... is no call to the Philippines (00 63...).
        #expect(PublicNumber(dialled: "006301234567", local: office)?.e164 == "+36301234567")
        #expect(PublicNumber(dialled: "06 123 456", local: office)?.e164 == "+3616123456", "0 and 612 3456")
        // Numbers that are none after the prefix are read whole: dialled without it.
        #expect(PublicNumber(dialled: "06301234567", local: office)?.e164 == "+36301234567")
        #expect(PublicNumber(dialled: "0049301234567", local: office)?.e164 == "+49301234567")
        #expect(PublicNumber(dialled: "2345678", local: office)?.e164 == "+3612345678")
        #expect(PublicNumber(dialled: "0", local: office) == nil)
        #expect(PublicNumber(dialled: "01001", local: office) == nil)
        let nine = LocalDialling(outsidePrefix: "9")
        #expect(PublicNumber(dialled: "9 06 1 234 5678", local: nine)?.e164 == "+3612345678")
        #expect(PublicNumber(dialled: "9234 5678", local: nine) == nil, "no area: no local numbers")
    }

    @Test func checksTheSettings() {
        #expect(LocalDialling.problem(areaCode: "1") == nil && LocalDialling.problem(areaCode: "96") == nil)
        for code in ["30", "20", "70", "80", "90", "06", "061", "", "x1", "21"] {
            #expect(LocalDialling.problem(areaCode: code) != nil, "\(code)")
        }
        #expect(LocalDialling.problem(outsidePrefix: "0") == nil && LocalDialling.problem(outsidePrefix: "999") == nil)
        for prefix in ["", "*9", "9999", "a"] {
            #expect(LocalDialling.problem(outsidePrefix: prefix) != nil, "\(prefix)")
        }
    }
}
