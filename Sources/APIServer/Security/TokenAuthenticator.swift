import Crypto
import Foundation

/// Bearer-token authentication. Tokens are compared in constant time; the user name comes with the token.
public struct TokenAuthenticator: Sendable {
    private let tokens: [(digest: [UInt8], user: String)]

    public init(tokens: [String: String]) {
        self.tokens = tokens.map { (Array(SHA256.hash(data: Data($0.key.utf8))), $0.value) }
    }

    /// The user for an `Authorization` header value, or nil.
    public func authenticate(authorization: String?) -> String? {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else { return nil }
        let presented = Array(SHA256.hash(data: Data(authorization.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)))
        var found: String?
        for entry in tokens {
            // Compare digests without early exit so timing reveals nothing about the token.
            var difference: UInt8 = 0
            for i in 0..<entry.digest.count { difference |= entry.digest[i] ^ presented[i] }
            if difference == 0 { found = entry.user }
        }
        return found
    }
}
