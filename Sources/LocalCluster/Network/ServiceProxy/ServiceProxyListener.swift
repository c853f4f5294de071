import NIOCore
import Synchronization

/// The state one listening socket shares with its connections: the current backends, the round-robin
/// cursor, and the open connections with the backend each went to. Read from event loops on every
/// accept, written by ``ServiceProxy/apply(_:)``.
final class ServiceProxyListener: Sendable {
    struct Connection {
        var backend: ServiceProxyBackend
        var channel: any Channel
    }

    struct State {
        var rule: ServiceProxyRule
        var cursor = 0
        var nextID = 0
        var connections: [Int: Connection] = [:]
        var closed = false
    }

    let key: ServiceProxyListenerKey
    let state: Mutex<State>

    init(rule: ServiceProxyRule) {
        key = rule.listener
        state = Mutex(State(rule: rule))
    }

    var rule: ServiceProxyRule { state.withLock { $0.rule } }

    /// The backends to try for a new connection, in order: round-robin over the current backends,
    /// each later one a fallback when the earlier refuse.
    func candidates() -> [ServiceProxyBackend] {
        state.withLock { s in
            let backends = s.rule.backends
            guard !backends.isEmpty, !s.closed else { return [] }
            let start = s.cursor % backends.count
            s.cursor = (s.cursor + 1) % backends.count
            return Array(backends[start...] + backends[..<start])
        }
    }

    /// Records a connection to `backend`. Returns its id, and whether the backend is still current (a
    /// backend removed while the connection was being made must be drained at once).
    func register(_ channel: any Channel, backend: ServiceProxyBackend) -> (id: Int, current: Bool) {
        state.withLock { s in
            s.nextID += 1
            s.connections[s.nextID] = Connection(backend: backend, channel: channel)
            return (s.nextID, !s.closed && s.rule.backends.contains(backend))
        }
    }

    func unregister(_ id: Int) {
        _ = state.withLock { $0.connections.removeValue(forKey: id) }
    }

    /// Takes `rule`'s backends for new connections; returns the channels of open connections to
    /// backends that are gone.
    func update(_ rule: ServiceProxyRule) -> [any Channel] {
        state.withLock { s in
            s.rule = rule
            let current = Set(rule.backends)
            return s.connections.values.filter { !current.contains($0.backend) }.map(\.channel)
        }
    }

    /// Stops handing out backends; returns every open connection.
    func close() -> [any Channel] {
        state.withLock { s in
            s.closed = true
            return s.connections.values.map(\.channel)
        }
    }

    var connectionCount: Int { state.withLock { $0.connections.count } }
}

/// Asks a proxied connection to close once it is quiet: its backend left the endpoints.
struct ServiceProxyDrainEvent: Sendable {}
