import Foundation
import KubeModel

/// Turns the JSON of one kubeconfig file into a ``Kubeconfig``: checks field types the way Go's decoder
/// would (a number where a string belongs is an error; `null` and `""` mean unset; unknown fields are
/// ignored), keys the lists by name, applies client-go's defaults and resolves relative paths against the
/// file's directory (`certificate-authority`, `client-certificate`, `client-key`, `tokenFile`, and an exec
/// `command` that contains a `/`).
struct KubeconfigDecoder {
    /// The file being decoded (absolute).
    let path: String
    var directory: String { ConfigFile.directory(of: path) }

    func decode(_ document: JSON) throws -> Kubeconfig {
        var config = Kubeconfig(sources: [path])
        if document.isNull { return config }
        guard let root = document.objectValue else {
            throw fail("expected a mapping at the top level, got \(document.typeName)")
        }
        if let kind = try string(root["kind"], "kind"), kind != "Config" {
            throw fail("kind is \"\(kind)\", expected Config")
        }
        if let apiVersion = try string(root["apiVersion"], "apiVersion"), apiVersion != "v1" {
            throw fail("apiVersion is \"\(apiVersion)\", expected v1")
        }
        config.currentContext = try string(root["current-context"], "current-context")
        config.clusters = try named(root["clusters"], list: "clusters", entry: "cluster", decodeCluster)
        config.users = try named(root["users"], list: "users", entry: "user", decodeUser)
        config.contexts = try named(root["contexts"], list: "contexts", entry: "context", decodeContext)
        return config
    }

    // MARK: Entries

    private func decodeCluster(_ fields: [String: JSON], _ at: String) throws -> Kubeconfig.Cluster {
        Kubeconfig.Cluster(
            server: try string(fields["server"], at + "server"),
            certificateAuthority: try path(fields["certificate-authority"], at + "certificate-authority"),
            certificateAuthorityData: try string(fields["certificate-authority-data"], at + "certificate-authority-data"),
            insecureSkipTLSVerify: try bool(fields["insecure-skip-tls-verify"], at + "insecure-skip-tls-verify"),
            tlsServerName: try string(fields["tls-server-name"], at + "tls-server-name"),
            proxyURL: try string(fields["proxy-url"], at + "proxy-url"),
            origin: path
        )
    }

    private func decodeUser(_ fields: [String: JSON], _ at: String) throws -> Kubeconfig.User {
        var authProvider: String?
        if let provider = fields["auth-provider"], !provider.isNull {
            guard let object = provider.objectValue else { throw typeError(at + "auth-provider", "a mapping", provider) }
            authProvider = try string(object["name"], at + "auth-provider.name") ?? "(unnamed)"
        }
        return Kubeconfig.User(
            token: try string(fields["token"], at + "token"),
            tokenFile: try path(fields["tokenFile"], at + "tokenFile"),
            username: try string(fields["username"], at + "username"),
            password: try string(fields["password"], at + "password"),
            clientCertificate: try path(fields["client-certificate"], at + "client-certificate"),
            clientCertificateData: try string(fields["client-certificate-data"], at + "client-certificate-data"),
            clientKey: try path(fields["client-key"], at + "client-key"),
            clientKeyData: try string(fields["client-key-data"], at + "client-key-data"),
            exec: try decodeExec(fields["exec"], at + "exec."),
            authProvider: authProvider,
            impersonate: try string(fields["as"], at + "as"),
            origin: path
        )
    }

    private func decodeExec(_ value: JSON?, _ at: String) throws -> ExecConfiguration? {
        guard let value, !value.isNull else { return nil }
        guard let fields = value.objectValue else { throw typeError(String(at.dropLast()), "a mapping", value) }
        let apiVersion = try string(fields["apiVersion"], at + "apiVersion") ?? ""
        var command = try string(fields["command"], at + "command") ?? ""
        // A command with a path separator is a file next to the kubeconfig; a bare name is looked up in PATH.
        if command.contains("/") { command = ConfigFile.absolute(command, relativeTo: directory) }
        var args: [String] = []
        if let list = fields["args"], !list.isNull {
            guard let items = list.arrayValue else { throw typeError(at + "args", "a list", list) }
            for (index, item) in items.enumerated() {
                guard let arg = item.stringValue else { throw typeError(at + "args[\(index)]", "a string", item) }
                args.append(arg)
            }
        }
        var env: [String: String] = [:]
        if let list = fields["env"], !list.isNull {
            guard let items = list.arrayValue else { throw typeError(at + "env", "a list", list) }
            for (index, item) in items.enumerated() {
                guard let variable = item.objectValue else { throw typeError(at + "env[\(index)]", "a mapping", item) }
                guard let name = try string(variable["name"], at + "env[\(index)].name") else {
                    throw fail("\(at)env[\(index)]: name is required")
                }
                // As with os/exec, a later duplicate wins.
                env[name] = try string(variable["value"], at + "env[\(index)].value") ?? ""
            }
        }
        var interactiveMode = try string(fields["interactiveMode"], at + "interactiveMode")
        // client-go's defaulting: older versions default to IfAvailable; v1 must say it.
        if interactiveMode == nil,
           apiVersion == "client.authentication.k8s.io/v1beta1" || apiVersion == "client.authentication.k8s.io/v1alpha1" {
            interactiveMode = "IfAvailable"
        }
        return ExecConfiguration(
            apiVersion: apiVersion,
            command: command,
            args: args,
            env: env,
            installHint: try string(fields["installHint"], at + "installHint"),
            provideClusterInfo: try bool(fields["provideClusterInfo"], at + "provideClusterInfo"),
            interactiveMode: interactiveMode
        )
    }

    private func decodeContext(_ fields: [String: JSON], _ at: String) throws -> Kubeconfig.Context {
        Kubeconfig.Context(
            cluster: try string(fields["cluster"], at + "cluster"),
            user: try string(fields["user"], at + "user"),
            namespace: try string(fields["namespace"], at + "namespace"),
            origin: path
        )
    }

    // MARK: Lists and scalars

    /// `clusters: [{name: x, cluster: {...}}]` as a dictionary. A name used twice in one file is an error,
    /// as in client-go.
    private func named<Entry>(
        _ value: JSON?, list: String, entry: String,
        _ decodeEntry: ([String: JSON], String) throws -> Entry
    ) throws -> [String: Entry] {
        guard let value, !value.isNull else { return [:] }
        guard let items = value.arrayValue else { throw typeError(list, "a list", value) }
        var result: [String: Entry] = [:]
        for (index, item) in items.enumerated() {
            guard let object = item.objectValue else { throw typeError("\(list)[\(index)]", "a mapping", item) }
            guard let name = try string(object["name"], "\(list)[\(index)].name") else {
                throw fail("\(list)[\(index)]: name is required")
            }
            guard result[name] == nil else { throw fail("\(list): \(entry) \"\(name)\" is defined twice") }
            let body = object[entry] ?? .null
            guard body.isNull || body.isObject else { throw typeError("\(entry) \"\(name)\"", "a mapping", body) }
            result[name] = try decodeEntry(body.objectValue ?? [:], "\(entry) \"\(name)\": ")
        }
        return result
    }

    /// A string field; `null` and `""` are unset, as Go cannot tell them apart.
    private func string(_ value: JSON?, _ field: String) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text.isEmpty ? nil : text
        case let other?: throw typeError(field, "a string", other)
        }
    }

    /// A path field, made absolute against this file's directory.
    private func path(_ value: JSON?, _ field: String) throws -> String? {
        try string(value, field).map { ConfigFile.absolute($0, relativeTo: directory) }
    }

    private func bool(_ value: JSON?, _ field: String) throws -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case let other?: throw typeError(field, "true or false", other)
        }
    }

    private func typeError(_ field: String, _ expected: String, _ got: JSON) -> KubeconfigError {
        fail("\(field): expected \(expected), got \(got.typeName)")
    }

    private func fail(_ problem: String) -> KubeconfigError {
        KubeconfigError.file(path, problem)
    }
}
