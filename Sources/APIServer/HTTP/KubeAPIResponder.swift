import HTTPTypes
import Hummingbird
import KubeModel
import NIOCore

/// Adapts `KubeAPIHandler` to Hummingbird: authenticates, collects the body, and maps the response back,
/// cancelling streamed responses (watches, followed logs) when the client goes away.
struct KubeAPIResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let handler: KubeAPIHandler
    let authenticator: TokenAuthenticator?
    let maxBodyBytes: Int

    /// Paths anyone may read, as kube-apiserver's `system:public-info-viewer` role allows.
    static let publicPaths: Set<String> = ["/version", "/healthz", "/livez", "/readyz"]

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        var user = "system:anonymous"
        if let authenticator {
            if let authenticated = authenticator.authenticate(authorization: request.headers[.authorization]) {
                user = authenticated
            } else if !(request.method == .get && Self.publicPaths.contains(path)) {
                return Self.makeResponse(.error(.unauthorized()), request: request)
            }
        } else {
            user = "admin"
        }
        var collected = request
        let body: ByteBuffer
        do {
            body = try await collected.collectBody(upTo: maxBodyBytes + 1)
        } catch {
            return Self.makeResponse(.error(.tooLarge("Request entity too large: limit is \(maxBodyBytes)")), request: request)
        }
        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.canonicalName] == nil {
            headers[field.name.canonicalName] = field.value
        }
        let apiRequest = APIRequest(method: request.method.rawValue, path: path, query: request.uri.query, headers: headers,
                                    body: Array(buffer: body), user: user)
        let response = await handler.handle(apiRequest)
        return Self.makeResponse(response, request: collected)
    }

    static func makeResponse(_ response: APIResponse, request: Request) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
        }
        let status = HTTPResponse.Status(code: response.status)
        switch response.body {
        case .bytes(let bytes):
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        case .stream(let produce):
            // The connection closes when a stream ends (the server stops reading the request side to notice a
            // client going away); saying so keeps clients from reusing it.
            fields.append(HTTPField(name: .connection, value: "close"))
            let body = ResponseBody { writer in
                var chunks = HummingbirdChunkWriter(writer: writer)
                do {
                    try await request.body.consumeWithCancellationOnInboundClose { _ in
                        var sink: any ChunkWriter = chunks
                        try await produce(&sink)
                        chunks = sink as! HummingbirdChunkWriter
                    }
                } catch is CancellationError {
                    // The client went away; nothing more to send.
                }
                try await writer.finish(nil)
            }
            return Response(status: status, headers: fields, body: body)
        }
    }
}

/// Forwards chunks to Hummingbird's body writer.
struct HummingbirdChunkWriter: ChunkWriter, @unchecked Sendable {
    var writer: any ResponseBodyWriter

    mutating func write(_ bytes: [UInt8]) async throws {
        try await writer.write(ByteBuffer(bytes: bytes))
    }
}
