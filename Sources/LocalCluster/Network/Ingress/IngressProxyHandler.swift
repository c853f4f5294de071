import NIOCore
import NIOHTTP1

/// One client connection of the ingress proxy: routes each request, forwards it to an upstream connection
/// leased from its event loop's pool, streams both bodies with back-pressure, retries once when an upstream
/// that just went away fails before answering, and records the request's metrics.
///
/// Requests are handled one at a time. The handler queues pipelined requests itself instead of using NIO's
/// pipelining handler, which pauses and resumes reading around every request (two `epoll_ctl` calls per
/// request). Everything runs on the connection's event loop, which its upstream connections share, so the
/// handler calls them directly. Upstream I/O can fail re-entrantly during a flush; code after a flush re-checks
/// that the upstream connection is still the current one.
final class IngressProxyHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum Phase {
        /// Waiting for a request head.
        case idle
        /// Waiting for an upstream connection; request body parts are kept.
        case connecting
        /// The request goes to `connection`; the response comes back from it.
        case proxying
        /// The response ended (or was answered locally); the rest of the request body is read and dropped.
        case drainingRequest
        case closed
    }

    private let loop: IngressProxyLoopContext
    private let configuration: IngressProxyConfiguration
    private var context: ChannelHandlerContext?
    private var clientIP = ""
    private var serverPort = ""

    // One request at a time; reset by `reset()`.
    private var phase = Phase.idle
    private var method = HTTPMethod.GET
    private var clientVersion = HTTPVersion.http1_1
    private var keepAlive = true
    private var outboundHead: HTTPRequestHead?
    private var decision = IngressRouteDecision(action: .respond(status: 404), labels: .unmatched)
    private var hostLabel = ""
    private var backendID = 0
    private var upstreamName = ""
    private var endpoint: IngressEndpoint?
    /// Endpoints that failed this request (allocated only on failure).
    private var failedEndpoints: [IngressEndpoint] = []
    /// The last sign of life of the upstream: attempt start or response bytes.
    private var upstreamActivity = NIODeadline.uptimeNanoseconds(0)
    private var connection: IngressBackendConnection?
    private var attempt = 0
    private var attemptToken = 0
    private var bodyParts: [ByteBuffer] = []
    private var bodyPartsSent = 0
    private var bodyBytes = 0
    private var replayable = true
    private var headSent = false
    private var requestEnded = false
    private var requestTrailers: HTTPHeaders?
    private var responseStarted = false
    private var backendKeepAlive = true
    private var status = 0
    private var start = NIODeadline.uptimeNanoseconds(0)
    private var upstreamStart = NIODeadline.uptimeNanoseconds(0)
    private var connectTime: Double?
    private var headerTime: Double?
    private var requestLength = 0
    private var bytesSent = 0

    // Flow control.
    private var readPending = false
    /// The upstream cannot take more request body right now.
    private var upstreamBlocked = false
    /// The client cannot take more response body right now (upstream reads are off).
    private var clientBlocked = false
    private var needsUpstreamFlush = false
    /// Parts of pipelined requests that arrived while an earlier request was still being answered.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var draining = false

    init(loop: IngressProxyLoopContext) {
        self.loop = loop
        configuration = loop.shared.configuration
    }

    // MARK: Channel lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        loop.register(client: self)
        clientIP = context.channel.remoteAddress?.ipAddress ?? ""
        serverPort = context.channel.localAddress?.port.map { String($0) } ?? ""
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        loop.unregister(client: self)
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        loop.unregister(client: self)
        attemptToken &+= 1
        switch phase {
        case .connecting, .proxying:
            // nginx logs 499 when the client goes away before the response is complete.
            if !responseStarted { status = 499 }
            record(upstreamResponseTime: nil, upstream: responseStarted)
            connection?.close()
            connection = nil
        case .idle, .drainingRequest, .closed:
            break
        }
        phase = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, clientBlocked {
            clientBlocked = false
            connection?.setAutoRead(true)
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if phase == .connecting || upstreamBlocked || !queued.isEmpty {
            readPending = true
            return
        }
        context.read()
    }

    private func resumeReadsIfPossible() {
        guard readPending, phase != .connecting, !upstreamBlocked, queued.isEmpty, let context else { return }
        readPending = false
        context.read()
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if !queued.isEmpty {
            queued.append(part)
        } else if case .head = part, phase != .idle, phase != .closed {
            // A pipelined request: its parts wait until the current response has ended.
            queued.append(part)
        } else {
            handle(part)
        }
    }

    private func handle(_ part: HTTPServerRequestPart) {
        switch part {
        case .head(let head): begin(head)
        case .body(let buffer): receiveBody(buffer)
        case .end(let trailers): receiveEnd(trailers)
        }
    }

    /// Handles queued parts in order until a request head has to wait again.
    private func drainQueue() {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while let next = queued.first {
            if case .head = next, phase != .idle { return }
            queued.removeFirst()
            if phase == .closed { continue }
            handle(next)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsUpstreamFlush {
            needsUpstreamFlush = false
            connection?.handler.flush()
        }
        context.fireChannelReadComplete()
    }

    private func begin(_ head: HTTPRequestHead) {
        guard phase == .idle else { return }
        reset()
        start = .now()
        method = head.method
        clientVersion = head.version
        keepAlive = head.isKeepAlive
        requestLength = Self.length(of: head)
        loop.refreshTable()
        let host = IngressRequestParsing.host(of: head)
        let path = IngressRequestParsing.path(of: head.uri)
        hostLabel = host.isEmpty ? "_" : host.lowercased()
        decision = IngressRouteDecision.decide(
            table: loop.table, host: host, path: path,
            header: { head.headers.first(name: $0) },
            cookie: { IngressRequestParsing.cookie(named: $0, in: head.headers) },
            random: &loop.random)
        switch decision.action {
        case .respond(let status):
            respondLocally(status: status)
        case .proxy(let id):
            backendID = id
            upstreamName = loop.table.backends[id].upstreamName
            var expectsContinue = false
            outboundHead = makeOutboundHead(head, host: host, expectsContinue: &expectsContinue)
            if expectsContinue, let context {
                // The Expect header is not forwarded; the proxy invites the body itself, as nginx does.
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: clientVersion, status: .continue))), promise: nil)
            }
            dispatch()
        }
    }

    private func receiveBody(_ buffer: ByteBuffer) {
        requestLength += buffer.readableBytes
        switch phase {
        case .connecting, .proxying:
            bodyBytes += buffer.readableBytes
            bodyParts.append(buffer)
            if replayable, bodyBytes > configuration.replayBufferLimit { replayable = false }
            if phase == .proxying, let connection {
                writeBodyParts(to: connection)
                needsUpstreamFlush = true
                if !connection.channel.isWritable { upstreamBlocked = true }
            }
        case .idle, .drainingRequest, .closed:
            break
        }
    }

    private func receiveEnd(_ trailers: HTTPHeaders?) {
        requestEnded = true
        requestTrailers = trailers
        switch phase {
        case .proxying:
            connection?.handler.write(.end(trailers))
            needsUpstreamFlush = true
        case .drainingRequest:
            finishExchange()
        case .connecting, .idle, .closed:
            break
        }
    }

    // MARK: Upstream attempts

    private func dispatch() {
        attempt += 1
        attemptToken &+= 1
        headSent = false
        bodyPartsSent = 0
        guard let endpoint = loop.nextEndpoint(backend: backendID, avoiding: failedEndpoints) else {
            return respondLocally(status: 503)
        }
        self.endpoint = endpoint
        upstreamStart = .now()
        upstreamActivity = upstreamStart
        if let idle = loop.leaseIdle(endpoint) {
            connectTime = 0
            return attach(idle)
        }
        phase = .connecting
        let token = attemptToken
        // A strong capture: the closure lives until the connect completes (at most the connect timeout).
        loop.connect(endpoint) { result in
            guard token == self.attemptToken, self.phase == .connecting else {
                // Nobody waits for this connection any more; keep it for the next request.
                if case .success(let connection) = result { self.loop.release(connection) }
                return
            }
            switch result {
            case .success(let connection):
                self.connectTime = Self.seconds(from: self.upstreamStart)
                self.attach(connection)
            case .failure:
                self.upstreamFailed(sentRequest: false)
            }
        }
    }

    private func attach(_ connection: IngressBackendConnection) {
        guard !connection.isClosed, connection.channel.isActive, let head = outboundHead else {
            connection.close()
            return upstreamFailed(sentRequest: false)
        }
        self.connection = connection
        connection.handler.delegate = self
        phase = .proxying
        if clientBlocked { connection.setAutoRead(false) }
        headSent = true
        connection.handler.write(.head(head))
        writeBodyParts(to: connection)
        if requestEnded { connection.handler.write(.end(requestTrailers)) }
        connection.handler.flush()
        guard self.connection === connection else { return }  // failed during the flush; already handled
        upstreamBlocked = !connection.channel.isWritable
        resumeReadsIfPossible()
    }

    private func writeBodyParts(to connection: IngressBackendConnection) {
        while bodyPartsSent < bodyParts.count {
            connection.handler.write(.body(.byteBuffer(bodyParts[bodyPartsSent])))
            bodyPartsSent += 1
        }
        if !replayable {
            bodyParts.removeAll(keepingCapacity: true)
            bodyPartsSent = 0
        }
    }

    /// The upstream could not be reached, or closed before any response byte.
    private func upstreamFailed(sentRequest: Bool) {
        connection = nil
        if let endpoint { failedEndpoints.append(endpoint) }
        let canRetry = attempt < configuration.maxAttempts && (!sentRequest || (Self.isIdempotent(method) && replayable))
        guard canRetry else { return respondLocally(status: 502) }
        // Route by the newest table: the endpoint that failed has probably left it.
        loop.refreshTable()
        guard let backend = loop.table.backend(upstream: upstreamName) else { return respondLocally(status: 503) }
        backendID = backend.id
        dispatch()
    }

    // MARK: Responses from upstream (called by IngressBackendHandler)

    func backendResponseHead(_ head: HTTPResponseHead) {
        guard phase == .proxying, let context else { return }
        responseStarted = true
        upstreamActivity = .now()
        headerTime = Self.seconds(from: upstreamStart)
        status = Int(head.status.code)
        backendKeepAlive = head.isKeepAlive
        var response = head
        response.version = clientVersion
        let scan = IngressHeaderScan(head.headers)
        if scan.hopByHop { Self.removeHopByHopHeaders(&response.headers) }
        if clientVersion.major == 1, clientVersion.minor == 0 {
            // HTTP/1.0 has no chunked encoding: without a length, the body ends when the connection closes.
            if !scan.contentLength {
                keepAlive = false
                response.headers.remove(name: "transfer-encoding")
            }
            response.headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        } else if !keepAlive {
            response.headers.add(name: "connection", value: "close")
        }
        bytesSent += Self.length(of: response)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
    }

    func backendResponseBody(_ buffer: ByteBuffer) {
        guard phase == .proxying, let context else { return }
        upstreamActivity = .now()
        bytesSent += buffer.readableBytes
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        if !clientBlocked, !context.channel.isWritable {
            clientBlocked = true
            connection?.setAutoRead(false)
        }
    }

    func backendResponseEnd(_ trailers: HTTPHeaders?) {
        guard phase == .proxying, let finished = connection else { return }
        let responseTime = Self.seconds(from: upstreamStart)
        connection = nil
        if backendKeepAlive, requestEnded {
            finished.setAutoRead(true)
            loop.release(finished)
        } else {
            // The upstream answered before reading the whole request, or will close: not reusable.
            finished.close()
        }
        clientBlocked = false
        writeResponseEnd(trailers)
        record(upstreamResponseTime: responseTime, upstream: true)
        if requestEnded { finishExchange() } else { phase = .drainingRequest }
    }

    func backendReadComplete() {
        context?.flush()
    }

    func backendFailed() {
        guard phase == .proxying else { return }
        connection = nil
        if !responseStarted { return upstreamFailed(sentRequest: headSent) }
        // The response was cut short: the client can only learn it from the connection closing.
        record(upstreamResponseTime: Self.seconds(from: upstreamStart), upstream: true)
        phase = .closed
        context?.flush()
        context?.close(promise: nil)
    }

    func backendWritabilityChanged(isWritable: Bool) {
        upstreamBlocked = !isWritable
        if isWritable { resumeReadsIfPossible() }
    }

    // MARK: Timeouts and shutdown (called by the loop context)

    /// Gives up on an upstream that has been silent since before `limit`: 504 when no response byte came
    /// (nginx's answer to an upstream timeout), else the connection closes.
    func checkUpstreamTimeout(silentSince limit: NIODeadline) {
        guard phase == .connecting || phase == .proxying, upstreamActivity < limit else { return }
        attemptToken &+= 1
        if responseStarted {
            connection?.close()
            connection = nil
            record(upstreamResponseTime: Self.seconds(from: upstreamStart), upstream: true)
            phase = .closed
            context?.flush()
            context?.close(promise: nil)
        } else {
            respondLocally(status: 504)
        }
    }

    func close() {
        context?.close(promise: nil)
    }

    // MARK: Local responses and completion

    private func respondLocally(status: Int) {
        guard let context else { return }
        connection?.close()
        connection = nil
        self.status = status
        let body = IngressErrorPage.body(for: status)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/html")
        headers.add(name: "content-length", value: String(body.readableBytes))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: clientVersion, status: HTTPResponseStatus(statusCode: status), headers: headers)
        bytesSent += Self.length(of: head) + body.readableBytes
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        phase = .drainingRequest
        writeResponseEnd(nil)
        record(upstreamResponseTime: nil, upstream: false)
        if requestEnded { finishExchange() }
        resumeReadsIfPossible()
    }

    private func writeResponseEnd(_ trailers: HTTPHeaders?) {
        guard let context else { return }
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
        } else {
            let promise = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: promise)
            promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    private func finishExchange() {
        let close = !keepAlive
        reset()
        phase = close ? .closed : .idle
        if close { queued.removeAll() }
        drainQueue()
        resumeReadsIfPossible()
    }

    private func reset() {
        outboundHead = nil
        endpoint = nil
        connection = nil
        if !failedEndpoints.isEmpty { failedEndpoints.removeAll() }
        attempt = 0
        bodyParts.removeAll(keepingCapacity: true)
        bodyPartsSent = 0
        bodyBytes = 0
        replayable = true
        headSent = false
        requestEnded = false
        requestTrailers = nil
        responseStarted = false
        backendKeepAlive = true
        status = 0
        connectTime = nil
        headerTime = nil
        requestLength = 0
        bytesSent = 0
        upstreamBlocked = false
        clientBlocked = false
        needsUpstreamFlush = false
    }

    private func record(upstreamResponseTime: Double?, upstream: Bool) {
        let observation = IngressRequestObservation(
            labels: decision.labels, host: hostLabel, canary: decision.canary, method: method.rawValue, status: status,
            requestTime: Self.seconds(from: start), requestLength: requestLength, bytesSent: bytesSent,
            upstreamConnectTime: upstream ? connectTime : nil, upstreamHeaderTime: upstream ? headerTime : nil,
            upstreamResponseTime: upstream ? upstreamResponseTime : nil)
        loop.shared.metrics.record(observation, shard: loop.shard)
    }

    // MARK: Headers

    private func makeOutboundHead(_ head: HTTPRequestHead, host: Substring, expectsContinue: inout Bool) -> HTTPRequestHead {
        let scan = IngressHeaderScan(head.headers)
        var headers = head.headers
        if scan.hopByHop { Self.removeHopByHopHeaders(&headers) }
        if scan.expect, let expect = headers.first(name: "expect") {
            expectsContinue = expect.lowercased() == "100-continue"
            headers.remove(name: "expect")
        }
        if !scan.host { headers.add(name: "host", value: host.isEmpty ? "localhost" : String(host)) }
        if !scan.requestID { headers.add(name: "x-request-id", value: requestID()) }
        let forwardedHost = scan.host ? head.headers.first(name: "host") ?? String(host) : String(host)
        let scheme = configuration.scheme
        // ingress-nginx's defaults (use-forwarded-headers off): the proxy's own view replaces the client's.
        func set(_ name: String, _ value: String) {
            if scan.forwarding { headers.replaceOrAdd(name: name, value: value) } else { headers.add(name: name, value: value) }
        }
        set("x-real-ip", clientIP)
        set("x-forwarded-for", clientIP)
        set("x-forwarded-host", forwardedHost)
        set("x-forwarded-port", serverPort)
        set("x-forwarded-proto", scheme)
        set("x-forwarded-scheme", scheme)
        set("x-scheme", scheme)
        // Upstreams get origin-form targets, as nginx sends them.
        var uri = head.uri
        if uri.utf8.first != UInt8(ascii: "/"), uri.utf8.first != UInt8(ascii: "*") {
            let path = IngressRequestParsing.path(of: uri)
            let query = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { uri[$0...] } ?? ""
            uri = String(path) + query
        }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: uri, headers: headers)
    }

    /// 32 hex digits, like nginx's `$request_id`.
    private func requestID() -> String {
        let high = loop.random.next(), low = loop.random.next()
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { hex in
                for index in 0..<16 {
                    buffer[index] = hex[Int((high >> UInt64(60 - 4 * index)) & 0xF)]
                    buffer[16 + index] = hex[Int((low >> UInt64(60 - 4 * index)) & 0xF)]
                }
            }
            return 32
        }
    }

    /// Removes the hop-by-hop headers of RFC 9110 §7.6.1 and those the Connection header names.
    static func removeHopByHopHeaders(_ headers: inout HTTPHeaders) {
        for token in headers[canonicalForm: "connection"] {
            let name = token.lowercased()
            if name != "close", name != "keep-alive" { headers.remove(name: String(name)) }
        }
        for name in ["connection", "keep-alive", "proxy-connection", "te", "upgrade", "http2-settings"] {
            headers.remove(name: name)
        }
    }

    static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE: return true
        default: return false
        }
    }

    /// Bytes of a request line and headers on the wire.
    static func length(of head: HTTPRequestHead) -> Int {
        var count = head.method.rawValue.utf8.count + head.uri.utf8.count + 12
        for (name, value) in head.headers { count += name.utf8.count + value.utf8.count + 4 }
        return count + 2
    }

    /// Bytes of a status line and headers on the wire.
    static func length(of head: HTTPResponseHead) -> Int {
        var count = 15 + head.status.reasonPhrase.utf8.count
        for (name, value) in head.headers { count += name.utf8.count + value.utf8.count + 4 }
        return count + 2
    }

    static func seconds(from start: NIODeadline) -> Double {
        Double((NIODeadline.now() - start).nanoseconds) / 1e9
    }
}
