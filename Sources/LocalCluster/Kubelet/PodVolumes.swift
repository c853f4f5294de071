import Foundation
import KubeModel

/// Materialises a pod's volumes as real directories and puts each container's mounts at the mount path
/// under the pod's root. A container sees `/etc/config` as `$TACK_POD_ROOT/etc/config`: absolute mount paths
/// are remapped under the pod root (never written on the host's own `/etc`), the same way every time.
struct PodVolumes {
    let pod: JSON
    let podDirectory: URL
    let root: URL
    let references: PodReferences
    /// Where PersistentVolumeClaims keep their data, across pods.
    let claimsDirectory: URL
    let serviceAccount: ServiceAccountFiles?

    /// The files a pod gets for talking to the API server (token, CA, namespace, a kubeconfig).
    struct ServiceAccountFiles: Sendable {
        var token: String
        var caPEM: String
        var server: String
    }

    static let serviceAccountPath = "/var/run/secrets/kubernetes.io/serviceaccount"

    func volumeDirectory(_ name: String) -> URL { podDirectory.appendingPathComponent("volumes").appendingPathComponent(name) }

    /// The host path a container path maps to.
    func hostPath(for containerPath: String) -> URL {
        var path = containerPath
        while path.hasPrefix("/") { path.removeFirst() }
        return path.isEmpty ? root : root.appendingPathComponent(path)
    }

    /// Writes every volume's content and links each container's mounts. Throws ContainerConfigError for a
    /// missing ConfigMap or Secret that is not optional.
    func prepare() throws {
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("root"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("dev"), withIntermediateDirectories: true)
        var sources: [String: URL] = [:]
        for volume in pod["spec"]?["volumes"]?.arrayValue ?? [] {
            guard let name = volume["name"]?.stringValue else { continue }
            sources[name] = try materialize(volume, name: name)
        }
        if let serviceAccount, pod["spec"]?["automountServiceAccountToken"]?.boolValue != false {
            let dir = volumeDirectory("kube-api-access")
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try write(serviceAccount.token, to: dir.appendingPathComponent("token"), mode: 0o600)
            try write(serviceAccount.caPEM, to: dir.appendingPathComponent("ca.crt"), mode: 0o644)
            try write(pod.namespace, to: dir.appendingPathComponent("namespace"), mode: 0o644)
            let kubeconfig = """
            apiVersion: v1
            kind: Config
            clusters: [{name: tack, cluster: {server: "\(serviceAccount.server)", certificate-authority: "\(dir.appendingPathComponent("ca.crt").path)"}}]
            users: [{name: pod, user: {tokenFile: "\(dir.appendingPathComponent("token").path)"}}]
            contexts: [{name: tack, context: {cluster: tack, user: pod, namespace: "\(pod.namespace)"}}]
            current-context: tack

            """
            try write(kubeconfig, to: dir.appendingPathComponent("kubeconfig"), mode: 0o600)
            try link(hostPath(for: Self.serviceAccountPath), to: dir)
        }
        let containers = (pod["spec"]?["initContainers"]?.arrayValue ?? []) + (pod["spec"]?["containers"]?.arrayValue ?? [])
        for container in containers {
            for mount in container["volumeMounts"]?.arrayValue ?? [] {
                guard let name = mount["name"]?.stringValue, let mountPath = mount["mountPath"]?.stringValue,
                      var source = sources[name] else { continue }
                if let sub = mount["subPath"]?.stringValue, !sub.isEmpty {
                    source = source.appendingPathComponent(sub)
                    if !fm.fileExists(atPath: source.path) { try fm.createDirectory(at: source, withIntermediateDirectories: true) }
                }
                try link(hostPath(for: mountPath), to: source)
            }
        }
    }

    /// The kubeconfig path pods get in `KUBECONFIG`, when one was written.
    var kubeconfigPath: String? {
        guard serviceAccount != nil, pod["spec"]?["automountServiceAccountToken"]?.boolValue != false else { return nil }
        return volumeDirectory("kube-api-access").appendingPathComponent("kubeconfig").path
    }

    func materialize(_ volume: JSON, name: String) throws -> URL {
        let fm = FileManager.default
        let dir = volumeDirectory(name)
        if let hostPath = volume["hostPath"]?["path"]?.stringValue {
            let type = volume["hostPath"]?["type"]?.stringValue ?? ""
            if (type == "DirectoryOrCreate" || type == "") && !fm.fileExists(atPath: hostPath) {
                try? fm.createDirectory(atPath: hostPath, withIntermediateDirectories: true)
            }
            return URL(fileURLWithPath: hostPath)
        }
        if let claim = volume["persistentVolumeClaim"]?["claimName"]?.stringValue {
            let claimDir = claimsDirectory.appendingPathComponent(pod.namespace).appendingPathComponent(claim)
            try fm.createDirectory(at: claimDir, withIntermediateDirectories: true)
            return claimDir
        }
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        if volume["emptyDir"] != nil || volume["ephemeral"] != nil { return dir }
        let defaultMode = volume["configMap"]?["defaultMode"]?.intValue ?? volume["secret"]?["defaultMode"]?.intValue
            ?? volume["projected"]?["defaultMode"]?.intValue ?? 0o644
        if let cm = volume["configMap"] {
            try writeConfigMap(cm, into: dir, defaultMode: defaultMode)
        } else if let secret = volume["secret"] {
            try writeSecret(secret, into: dir, defaultMode: defaultMode)
        } else if let downward = volume["downwardAPI"] {
            try writeDownward(downward["items"]?.arrayValue ?? [], into: dir, defaultMode: defaultMode)
        } else if let projected = volume["projected"] {
            for source in projected["sources"]?.arrayValue ?? [] {
                if let cm = source["configMap"] { try writeConfigMap(cm, into: dir, defaultMode: defaultMode) }
                if let secret = source["secret"] { try writeSecret(secret, into: dir, defaultMode: defaultMode) }
                if let downward = source["downwardAPI"] { try writeDownward(downward["items"]?.arrayValue ?? [], into: dir, defaultMode: defaultMode) }
                if let token = source["serviceAccountToken"], let serviceAccount {
                    try write(serviceAccount.token, to: dir.appendingPathComponent(token["path"]?.stringValue ?? "token"), mode: 0o600)
                }
            }
        }
        return dir
    }

    func writeConfigMap(_ ref: JSON, into dir: URL, defaultMode: Int) throws {
        let name = ref["name"]?.stringValue ?? ""
        guard let cm = references.configMaps[name] else {
            if ref["optional"]?.boolValue == true { return }
            throw ContainerConfigError(message: "configmap \"\(name)\" not found")
        }
        var files: [String: Data] = [:]
        for (k, v) in cm["data"]?.objectValue ?? [:] { files[k] = Data((v.stringValue ?? "").utf8) }
        for (k, v) in cm["binaryData"]?.objectValue ?? [:] { files[k] = Data(base64Encoded: v.stringValue ?? "") ?? Data() }
        try writeItems(files, items: ref["items"]?.arrayValue, into: dir, defaultMode: defaultMode, owner: "ConfigMap \(name)")
    }

    func writeSecret(_ ref: JSON, into dir: URL, defaultMode: Int) throws {
        let name = ref["secretName"]?.stringValue ?? ref["name"]?.stringValue ?? ""
        guard let secret = references.secrets[name] else {
            if ref["optional"]?.boolValue == true { return }
            throw ContainerConfigError(message: "secret \"\(name)\" not found")
        }
        var files: [String: Data] = [:]
        for (k, v) in secret["data"]?.objectValue ?? [:] { files[k] = Data(base64Encoded: v.stringValue ?? "") ?? Data() }
        try writeItems(files, items: ref["items"]?.arrayValue, into: dir, defaultMode: defaultMode, owner: "Secret \(name)")
    }

    func writeItems(_ files: [String: Data], items: [JSON]?, into dir: URL, defaultMode: Int, owner: String) throws {
        if let items {
            for item in items {
                let key = item["key"]?.stringValue ?? ""
                guard let data = files[key] else { throw ContainerConfigError(message: "couldn't find key \(key) in \(owner)") }
                let path = item["path"]?.stringValue ?? key
                try write(data, to: dir.appendingPathComponent(path), mode: item["mode"]?.intValue ?? defaultMode)
            }
        } else {
            for (key, data) in files { try write(data, to: dir.appendingPathComponent(key), mode: defaultMode) }
        }
    }

    func writeDownward(_ items: [JSON], into dir: URL, defaultMode: Int) throws {
        for item in items {
            guard let path = item["path"]?.stringValue else { continue }
            let value = item["fieldRef"]?["fieldPath"]?.stringValue.flatMap {
                ContainerEnvironment.fieldValue($0, pod: pod, podIP: pod["status"]?["podIP"]?.stringValue ?? "", hostIP: "127.0.0.1")
            } ?? ""
            try write(value, to: dir.appendingPathComponent(path), mode: item["mode"]?.intValue ?? defaultMode)
        }
    }

    func write(_ text: String, to url: URL, mode: Int) throws {
        try write(Data(text.utf8), to: url, mode: mode)
    }

    func write(_ data: Data, to url: URL, mode: Int) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    /// Makes `path` (under the pod root) point at `target`.
    func link(_ path: URL, to target: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        if (try? fm.destinationOfSymbolicLink(atPath: path.path)) != nil || fm.fileExists(atPath: path.path) {
            try? fm.removeItem(at: path)
        }
        try fm.createSymbolicLink(at: path, withDestinationURL: target)
    }
}
