import Foundation

extension QueueSettings {
    /// The characters a queue name may use: it appears in destinations (`queue:<name>`), CLI
    /// arguments and file names, so no spaces or separators.
    static let nameCharacters = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    /// Checks every field and throws the first problem found, worded for the administrator.
    public func validate() throws(ACDError) {
        func fail(_ field: String, _ problem: String) -> ACDError {
            .invalidSetting(queue: name, field: field, problem: problem)
        }
        guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy(Self.nameCharacters.contains) else {
            throw fail("name", "must be 1 to 64 letters, digits, '-', '_' or '.', got '\(name)'")
        }
        guard (1...600).contains(ringTimeoutSeconds) else {
            throw fail("ring timeout", "must be 1 to 600 seconds, got \(ringTimeoutSeconds)")
        }
        guard (0...3600).contains(retryDelaySeconds) else {
            throw fail("retry delay", "must be 0 to 3600 seconds, got \(retryDelaySeconds)")
        }
        if let maxWaitSeconds, maxWaitSeconds < 1 {
            throw fail("max wait", "must be at least 1 second (leave it unset to wait forever), got \(maxWaitSeconds)")
        }
        if let maxLength, maxLength < 1 {
            throw fail("max length", "must be at least 1 caller (leave it unset for no limit), got \(maxLength)")
        }
        guard serviceLevelSeconds >= 1 else {
            throw fail("service level", "must be at least 1 second, got \(serviceLevelSeconds)")
        }
        guard shortAbandonSeconds >= 0 else {
            throw fail("short abandon", "must be 0 seconds or more, got \(shortAbandonSeconds)")
        }
        guard (0...3600).contains(wrapUpSeconds) else {
            throw fail("wrap-up", "must be 0 to 3600 seconds, got \(wrapUpSeconds)")
        }
        if let announcementIntervalSeconds, announcementIntervalSeconds < 10 {
            throw fail(
                "announcement interval",
                "must be at least 10 seconds (unset for none), got \(announcementIntervalSeconds)")
        }
        if let exitDigit, exitDigit.count != 1 || !"0123456789*#".contains(exitDigit) {
            throw fail("exit digit", "must be one of 0-9, * or #, got '\(exitDigit)'")
        }
        if let overflowDestination {
            guard !overflowDestination.isEmpty, !overflowDestination.contains(where: \.isWhitespace) else {
                throw fail(
                    "overflow destination",
                    "must be a destination like 'vm:1001' or 'queue:sales', got '\(overflowDestination)'")
            }
            guard overflowDestination != "queue:\(name)" else {
                throw fail("overflow destination", "cannot be the queue itself ('\(overflowDestination)')")
            }
        }
        var seen = Set<String>()
        for member in members {
            guard !member.agent.isEmpty else { throw fail("members", "contain an empty agent number") }
            guard seen.insert(member.agent).inserted else {
                throw fail("members", "list agent '\(member.agent)' twice")
            }
            guard member.penalty >= 0 else {
                throw fail("penalty", "of agent '\(member.agent)' must be 0 or more, got \(member.penalty)")
            }
        }
    }
}
