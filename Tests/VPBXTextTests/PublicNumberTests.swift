import Testing

@testable import VPBXText

@Suite struct PublicNumberTests {
    @Test(arguments: [
        ("06 30 123 4567", "+36301234567", PublicNumber.Reach.national),
        ("0612345678", "+3612345678", .national),
        ("+36 80 123 456", "+3680123456", .national),
        ("06 90 123 456", "+3690123456", .premium),
        ("06-91-555-123", "+3691555123", .premium),
        ("0049 30 1234567", "+49301234567", .international),
        ("+44 20 7946 0018", "+442079460018", .international),
        ("112", "112", .emergency),
        ("107", "107", .emergency),
    ])
    func readsDialledNumbers(dialled: String, e164: String, reach: PublicNumber.Reach) {
        let number = PublicNumber(dialled: dialled)
        #expect(number?.e164 == e164 && number?.reach == reach, "\(dialled): \(String(describing: number))")
    }

    @Test(arguments: ["1001", "100", "0630123456", "06", "+", "*97", "113"])
    func refusesWhatIsNoPublicNumber(dialled: String) {
        #expect(PublicNumber(dialled: dialled) == nil)
    }

    @Test func writesNumbersAsTheTrunkWantsThem() throws {
        let budapest = try #require(PublicNumber(dialled: "06 1 234 5678"))
        #expect(budapest.written(.e164) == "+3612345678")
        #expect(budapest.written(.digits) == "3612345678")
        #expect(budapest.written(.national) == "0612345678")
        let berlin = try #require(PublicNumber(dialled: "+49 30 1234567"))
        #expect(berlin.written(.national) == "0049301234567")
        #expect(try #require(PublicNumber(dialled: "112")).written(.digits) == "112")
    }

    @Test(arguments: [
        ("+36301234567", "+36301234567"), ("36301234567", "+36301234567"), ("06301234567", "+36301234567"),
        ("0036301234567", "+36301234567"), ("anonymous", "anonymous"), ("1234", "1234"),
    ])
    func readsNumbersFromTheNetwork(given: String, shown: String) {
        #expect(PublicNumber.fromNetwork(given) == shown)
    }

    @Test func reachesAreOrderedByHowFarTheyGo() {
        #expect(PublicNumber.Reach.emergency < .national && PublicNumber.Reach.national < .premium)
        #expect(PublicNumber.Reach.premium < .international)
    }
}

@Suite struct RouteNumberTests {
    @Test(arguments: [
        ("06 1 234 5600", "+3612345600"), ("+36 1 234 5600", "+3612345600"), ("0036 1 234 5600", "+3612345600"),
        ("100", "100"), ("0600", "0600"), ("+", "+"),
    ])
    func publicNumbersAreKeptInE164(typed: String, kept: String) {
        #expect(PublicNumber.routeNumber(typed) == kept)
    }
}
