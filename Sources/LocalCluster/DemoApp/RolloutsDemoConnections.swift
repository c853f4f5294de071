import NIOCore
import Synchronization

/// The open connections of a demo server, so that draining can close the idle ones at once and let
/// busy ones finish their response.
final class RolloutsDemoConnections: Sendable {
    struct State {
        var next = 0
        var open: [Int: (channel: any Channel, busy: Bool)] = [:]
        var draining = false
    }

    let server: any Channel
    let state = Mutex(State())

    init(server: any Channel) {
        self.server = server
    }

    /// Registers a new connection; nil when the server is draining (close it).
    func opened(_ channel: any Channel) -> Int? {
        state.withLock { s in
            guard !s.draining else { return nil }
            s.next += 1
            s.open[s.next] = (channel, false)
            return s.next
        }
    }

    func closed(_ id: Int) {
        _ = state.withLock { $0.open.removeValue(forKey: id) }
    }

    /// Marks a connection as handling a request (true) or waiting for the next one (false). A
    /// connection that goes idle while draining is closed.
    func setBusy(_ id: Int, _ busy: Bool) {
        state.withLock { $0.open[id]?.busy = busy }
    }

    var isDraining: Bool { state.withLock { $0.draining } }

    /// Stops accepting and closes idle connections; busy ones close after their response.
    func drain() {
        let idle: [any Channel] = state.withLock { s in
            s.draining = true
            return s.open.values.filter { !$0.busy }.map(\.channel)
        }
        server.close(promise: nil)
        for channel in idle { channel.close(promise: nil) }
    }
}
