/// Why the prompt library refused a request. Match on ``code``; the ``description`` says what
/// was wrong and what to do.
public struct PromptError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is (a struct, so new codes never break callers).
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable { case invalidArgument, notFound, storage }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A bad name, language or audio file (the caller can fix it).
        public static let invalidArgument = Code(.invalidArgument)
        /// No such prompt, or no custom recording to reset.
        public static let notFound = Code(.notFound)
        /// The data directory could not be written.
        public static let storage = Code(.storage)
    }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
