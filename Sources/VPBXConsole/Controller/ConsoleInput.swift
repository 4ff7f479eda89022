/// Everything the console's main loop reacts to, funnelled into one stream so that it
/// is handled in order on one actor.
enum ConsoleInput: Sendable {
    /// Time to read pending keys (and, once a second, to refresh durations).
    case poll
    case session(EngineSession.Update)
    /// A command finished; the text goes to the status bar.
    case commandFinished(String)
    /// SIGINT, SIGTERM or SIGHUP: leave cleanly.
    case signal(Int32)
}
