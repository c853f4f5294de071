import NIOCore
import NIOHTTP1

/// The short HTML bodies of the responses the proxy writes itself, in the shape of nginx's error pages
/// (which is what ingress-nginx answers with for 404, 502 and 503).
enum IngressErrorPage {
    static let notFound = page(404)
    static let badGateway = page(502)
    static let serviceUnavailable = page(503)
    static let gatewayTimeout = page(504)

    static func body(for status: Int) -> ByteBuffer {
        switch status {
        case 404: return notFound
        case 502: return badGateway
        case 503: return serviceUnavailable
        case 504: return gatewayTimeout
        default: return page(status)
        }
    }

    private static func page(_ status: Int) -> ByteBuffer {
        let title = "\(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase)"
        return ByteBuffer(string: "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(title)</h1></center>\r\n"
            + "<hr><center>tack ingress</center>\r\n</body>\r\n</html>\r\n")
    }
}
