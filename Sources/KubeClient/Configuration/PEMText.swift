import Foundation

/// PEM text from a kubeconfig `-data` field (base64) or a file, checked for the expected block so a
/// wrong file is reported here, naming the field, rather than as a TLS failure later. Contents never
/// appear in messages.
enum PEMText {
    enum Kind {
        case certificate, privateKey

        var noun: String { self == .certificate ? "a PEM certificate" : "a PEM private key" }

        func matches(_ text: String) -> Bool {
            switch self {
            case .certificate: return text.contains("-----BEGIN CERTIFICATE-----")
            case .privateKey: return text.contains("-----BEGIN ") && text.contains("PRIVATE KEY-----")
            }
        }
    }

    /// Decodes base64 (whitespace ignored, padding required, as Go's standard encoding) into PEM text.
    /// `fail` turns a problem phrase (`is not valid base64`) into the caller's error.
    static func decodeBase64(_ base64: String, kind: Kind, fail: (String) -> KubeconfigError) throws -> String {
        let compact = base64.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { throw fail("is not valid base64") }
        guard let text = String(data: data, encoding: .utf8), kind.matches(text) else {
            throw fail("does not contain \(kind.noun)")
        }
        return text
    }

    /// Reads a PEM file.
    static func read(_ path: String, kind: Kind, fail: (String) -> KubeconfigError) throws -> String {
        let text: String
        do {
            text = try ConfigFile.read(path)
        } catch {
            throw fail("cannot be read: \(error.reason)")
        }
        guard kind.matches(text) else { throw fail("does not contain \(kind.noun)") }
        return text
    }
}
