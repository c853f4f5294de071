/// The constant labels of the ingress metrics, which identify the controller in ingress-nginx.
public struct IngressMetricsConfiguration: Sendable, Equatable {
    /// `controller_class`: ingress-nginx's `--controller-class`.
    public var controllerClass = "k8s.io/ingress-nginx"
    /// `controller_namespace`: the namespace the controller pod would run in.
    public var controllerNamespace = "ingress-nginx"
    /// `controller_pod`: the controller pod's name.
    public var controllerPod = "tack-ingress-controller"
    /// How many independently locked shards requests are recorded into (one per event loop is ideal).
    public var shards = 8
    /// Observations kept per series for the quantiles of the upstream-latency summary.
    public var summaryWindow = 1024

    /// The labels ingress-nginx's default install would carry, with a pod name of its own.
    public init(controllerClass: String = "k8s.io/ingress-nginx", controllerNamespace: String = "ingress-nginx",
                controllerPod: String = "tack-ingress-controller") {
        self.controllerClass = controllerClass
        self.controllerNamespace = controllerNamespace
        self.controllerPod = controllerPod
    }
}
