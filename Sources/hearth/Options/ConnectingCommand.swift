/// A command that connects with `ConnectionOptions`: its connection errors come with a hint.
protocol ConnectingCommand {
    var connection: ConnectionOptions { get }
}
