import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// Gives every active namespace its `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap, as the
/// serviceaccount and root-ca-cert-publisher controllers do.
public final class ServiceAccountController: Service, Sendable {
    let controller: Controller

    public init(client: KubeClient, factory: SharedInformerFactory, caPEM: String?, logger: Logger = Logger(label: "tack.serviceaccounts")) {
        let namespaces = factory.informer(Namespace.self)
        let accounts = factory.informer(ServiceAccount.self)
        controller = Controller(name: "serviceaccounts", workers: 1, logger: logger) { name in
            guard let ns = namespaces.store.get(name), !ns.isBeingDeleted else { return .done }
            if accounts.store.get(name: "default", namespace: name) == nil {
                do {
                    _ = try await client.resource(ServiceAccount.self, namespace: name).create(ServiceAccount(name: "default", namespace: name))
                } catch let error as KubeError where error.isAlreadyExists {}
            }
            if let caPEM {
                let cm: JSON = ["apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": ["name": "kube-root-ca.crt", "namespace": .string(name),
                                             "annotations": ["kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."]],
                                "data": ["ca.crt": .string(caPEM)]]
                _ = try await client.resource(ConfigMap.self, namespace: name).apply(ConfigMap(json: cm), fieldManager: "root-ca-cert-publisher", force: true)
            }
            return .done
        }
        controller.watch(namespaces)
        controller.watch(accounts) { event in event.object.name == "default" ? [event.object.namespace] : [] }
    }

    public func run() async throws { try await controller.run() }
}
