import Foundation
import KubeModel

/// The objects a container's environment and volumes refer to, looked up by the kubelet.
struct PodReferences: Sendable {
    var configMaps: [String: JSON] = [:]
    var secrets: [String: JSON] = [:]
    var services: [JSON] = []
}

/// A container whose configuration cannot be built (a missing ConfigMap key, say): the kubelet reports
/// `CreateContainerConfigError` with this message and retries.
struct ContainerConfigError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Builds a container's environment as the kubelet does: the service variables of the namespace, then
/// `envFrom`, then `env` (with `$(VAR)` references expanded), plus what the local runtime tells every
/// process (`POD_IP`, `PORT`, `TACK_POD_ROOT`, `KUBECONFIG`).
enum ContainerEnvironment {
    struct Context {
        var pod: JSON
        var container: JSON
        var podIP: String
        var hostIP: String
        var podRoot: String
        var kubeconfig: String?
        var hostPath: String
        var references: PodReferences
    }

    static func build(_ ctx: Context) throws -> [String: String] {
        var env: [String: String] = [:]
        env["PATH"] = ctx.hostPath
        env["HOSTNAME"] = ctx.pod.name
        env["HOME"] = ctx.podRoot + "/root"
        env["TACK_POD_ROOT"] = ctx.podRoot
        env["POD_IP"] = ctx.podIP
        env["POD_NAME"] = ctx.pod.name
        env["POD_NAMESPACE"] = ctx.pod.namespace
        if let kubeconfig = ctx.kubeconfig { env["KUBECONFIG"] = kubeconfig }
        let ports = ctx.container["ports"]?.arrayValue ?? []
        if ports.count == 1, let port = ports[0]["containerPort"]?.intValue { env["PORT"] = String(port) }
        if ctx.pod["spec"]?["enableServiceLinks"]?.boolValue != false {
            for (k, v) in serviceVariables(ctx.references.services) { env[k] = v }
        }
        // envFrom, in order; later sources win.
        for source in ctx.container["envFrom"]?.arrayValue ?? [] {
            let prefix = source["prefix"]?.stringValue ?? ""
            if let ref = source["configMapRef"] {
                let name = ref["name"]?.stringValue ?? ""
                guard let cm = ctx.references.configMaps[name] else {
                    if ref["optional"]?.boolValue == true { continue }
                    throw ContainerConfigError(message: "configmap \"\(name)\" not found")
                }
                for (k, v) in cm["data"]?.objectValue ?? [:] { if let s = v.stringValue { env[prefix + k] = s } }
            } else if let ref = source["secretRef"] {
                let name = ref["name"]?.stringValue ?? ""
                guard let secret = ctx.references.secrets[name] else {
                    if ref["optional"]?.boolValue == true { continue }
                    throw ContainerConfigError(message: "secret \"\(name)\" not found")
                }
                for (k, v) in secret["data"]?.objectValue ?? [:] { env[prefix + k] = decodeSecret(v) }
            }
        }
        for item in ctx.container["env"]?.arrayValue ?? [] {
            guard let name = item["name"]?.stringValue else { continue }
            if let value = item["value"]?.stringValue {
                env[name] = expand(value, env)
            } else if let from = item["valueFrom"] {
                if let value = try valueFrom(from, ctx: ctx, variable: name) { env[name] = value }
            } else {
                env[name] = ""
            }
        }
        return env
    }

    static func decodeSecret(_ value: JSON) -> String {
        guard let text = value.stringValue, let data = Data(base64Encoded: text) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    static func valueFrom(_ from: JSON, ctx: Context, variable: String) throws -> String? {
        if let field = from["fieldRef"]?["fieldPath"]?.stringValue {
            return fieldValue(field, pod: ctx.pod, podIP: ctx.podIP, hostIP: ctx.hostIP)
        }
        if let resource = from["resourceFieldRef"] {
            return resourceValue(resource, container: ctx.container)
        }
        if let ref = from["configMapKeyRef"] {
            let name = ref["name"]?.stringValue ?? "", key = ref["key"]?.stringValue ?? ""
            guard let cm = ctx.references.configMaps[name] else {
                if ref["optional"]?.boolValue == true { return nil }
                throw ContainerConfigError(message: "configmap \"\(name)\" not found")
            }
            guard let value = cm["data"]?[key]?.stringValue else {
                if ref["optional"]?.boolValue == true { return nil }
                throw ContainerConfigError(message: "couldn't find key \(key) in ConfigMap \(ctx.pod.namespace)/\(name)")
            }
            return value
        }
        if let ref = from["secretKeyRef"] {
            let name = ref["name"]?.stringValue ?? "", key = ref["key"]?.stringValue ?? ""
            guard let secret = ctx.references.secrets[name] else {
                if ref["optional"]?.boolValue == true { return nil }
                throw ContainerConfigError(message: "secret \"\(name)\" not found")
            }
            guard let value = secret["data"]?[key] else {
                if ref["optional"]?.boolValue == true { return nil }
                throw ContainerConfigError(message: "couldn't find key \(key) in Secret \(ctx.pod.namespace)/\(name)")
            }
            return decodeSecret(value)
        }
        return nil
    }

    /// The downward API.
    static func fieldValue(_ path: String, pod: JSON, podIP: String, hostIP: String) -> String? {
        switch path {
        case "metadata.name": return pod.name
        case "metadata.namespace": return pod.namespace
        case "metadata.uid": return pod.uid
        case "spec.nodeName": return pod["spec"]?["nodeName"]?.stringValue ?? ""
        case "spec.serviceAccountName": return pod["spec"]?["serviceAccountName"]?.stringValue ?? "default"
        case "status.podIP", "status.podIPs": return podIP
        case "status.hostIP", "status.hostIPs": return hostIP
        default:
            for (prefix, map) in [("metadata.labels", pod.labels), ("metadata.annotations", pod.annotations)] {
                if path == prefix { return map.keys.sorted().map { "\($0)=\"\(map[$0]!)\"" }.joined(separator: "\n") }
                if path.hasPrefix(prefix + "['"), path.hasSuffix("']") {
                    let key = String(path.dropFirst(prefix.count + 2).dropLast(2))
                    return map[key] ?? ""
                }
            }
            return nil
        }
    }

    static func resourceValue(_ ref: JSON, container: JSON) -> String? {
        guard let resource = ref["resource"]?.stringValue else { return nil }
        let parts = resource.split(separator: ".")
        guard parts.count == 2 else { return nil }
        let value = container["resources"]?[String(parts[0])]?[String(parts[1])]?.stringValue
        // Without a limit the node's capacity applies; report the host's.
        guard let value else {
            return parts[1] == "cpu" ? String(ProcessInfo.processInfo.activeProcessorCount) : String(ProcessInfo.processInfo.physicalMemory)
        }
        return value
    }

    /// Docker-links-style service variables for the Services of the pod's namespace.
    static func serviceVariables(_ services: [JSON]) -> [String: String] {
        var env: [String: String] = [:]
        for service in services {
            guard let ip = service["spec"]?["clusterIP"]?.stringValue, !ip.isEmpty, ip != "None" else { continue }
            let prefix = service.name.uppercased().replacingOccurrences(of: "-", with: "_")
            let ports = service["spec"]?["ports"]?.arrayValue ?? []
            guard let first = ports.first, let firstPort = first["port"]?.intValue else { continue }
            env["\(prefix)_SERVICE_HOST"] = ip
            env["\(prefix)_SERVICE_PORT"] = String(firstPort)
            env["\(prefix)_PORT"] = "\((first["protocol"]?.stringValue ?? "TCP").lowercased())://\(ip):\(firstPort)"
            for port in ports {
                guard let number = port["port"]?.intValue else { continue }
                let proto = port["protocol"]?.stringValue ?? "TCP"
                if let name = port["name"]?.stringValue, !name.isEmpty {
                    env["\(prefix)_SERVICE_PORT_\(name.uppercased().replacingOccurrences(of: "-", with: "_"))"] = String(number)
                }
                let base = "\(prefix)_PORT_\(number)_\(proto)"
                env[base] = "\(proto.lowercased())://\(ip):\(number)"
                env["\(base)_PROTO"] = proto.lowercased()
                env["\(base)_PORT"] = String(number)
                env["\(base)_ADDR"] = ip
            }
        }
        return env
    }

    /// Kubernetes variable expansion: `$(NAME)` becomes the variable's value when defined, `$$` a literal `$`.
    static func expand(_ text: String, _ env: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var chars = Array(text)[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            guard c == "$", let next = chars.first else { out.append(c); continue }
            if next == "$" {
                out.append("$")
                chars = chars.dropFirst()
            } else if next == "(", let close = chars.firstIndex(of: ")") {
                let name = String(chars[chars.index(after: chars.startIndex)..<close])
                if let value = env[name] {
                    out += value
                } else {
                    out += "$(" + name + ")"
                }
                chars = chars[chars.index(after: close)...]
            } else {
                out.append(c)
            }
        }
        return out
    }
}
