/// A failure of the test harness or of a process it drives, with a message that says what
/// went wrong and, where it helps, what to do about it (the tail of a log, a command to run).
struct HarnessError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
