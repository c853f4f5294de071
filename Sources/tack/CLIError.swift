/// A failure to report to the person at the terminal: printed as `Error: <message>` with no usage text,
/// since the command line itself was fine.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
