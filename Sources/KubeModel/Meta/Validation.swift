/// Name, label and annotation rules of apimachinery, with upstream's messages.
public enum Validation {
    static let dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let dns1035LabelMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    static let qualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let labelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

    @inline(__always) static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 65 && c <= 90) }

    static func isDNS1123Label(_ s: some Collection<UInt8>) -> Bool {
        guard let first = s.first, let last = s.reversed().first, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        return s.allSatisfy { isLowerAlnum($0) || $0 == 45 }
    }

    /// Why a name is not an RFC 1123 subdomain (most object names), or nil when it is valid.
    public static func dns1123SubdomainError(_ name: String) -> String? {
        if name.utf8.count > 253 { return "must be no more than 253 characters" }
        let labels = name.utf8.split(separator: 46, omittingEmptySubsequences: false)
        for label in labels where !isDNS1123Label(label) { return dns1123SubdomainMessage }
        return nil
    }

    /// Why a name is not an RFC 1123 label (namespaces), or nil.
    public static func dns1123LabelError(_ name: String) -> String? {
        if name.utf8.count > 63 { return "must be no more than 63 characters" }
        return isDNS1123Label(name.utf8) ? nil : dns1123LabelMessage
    }

    /// Why a name is not an RFC 1035 label (services), or nil.
    public static func dns1035LabelError(_ name: String) -> String? {
        if name.utf8.count > 63 { return "must be no more than 63 characters" }
        guard let first = name.utf8.first, first >= 97, first <= 122, isDNS1123Label(name.utf8) else { return dns1035LabelMessage }
        return nil
    }

    /// Why a name cannot be used as a URL path segment (the rule for every object name), or nil.
    public static func pathSegmentError(_ name: String) -> String? {
        if name == "." || name == ".." { return "may not be '\(name)'" }
        if name.contains("/") { return "may not contain '/'" }
        if name.contains("%") { return "may not contain '%'" }
        return nil
    }

    /// Why a label or annotation key is not a qualified name, or nil.
    public static func qualifiedNameError(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        var name = Substring(key)
        if parts.count == 2 {
            let prefix = String(parts[0])
            if prefix.isEmpty { return "prefix part must be non-empty" }
            if let e = dns1123SubdomainError(prefix) { return "prefix part \(e)" }
            name = parts[1]
        } else if parts.count > 2 {
            return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        }
        if name.isEmpty { return "name part must be non-empty" }
        if name.utf8.count > 63 { return "name part must be no more than 63 characters" }
        let bytes = Array(name.utf8)
        guard isAlnum(bytes.first!), isAlnum(bytes.last!),
              bytes.allSatisfy({ isAlnum($0) || $0 == 45 || $0 == 95 || $0 == 46 })
        else { return qualifiedNameMessage }
        return nil
    }

    /// Why a label value is invalid, or nil.
    public static func labelValueError(_ value: String) -> String? {
        if value.isEmpty { return nil }
        if value.utf8.count > 63 { return "must be no more than 63 characters" }
        let bytes = Array(value.utf8)
        guard isAlnum(bytes.first!), isAlnum(bytes.last!),
              bytes.allSatisfy({ isAlnum($0) || $0 == 45 || $0 == 95 || $0 == 46 })
        else { return labelValueMessage }
        return nil
    }
}
