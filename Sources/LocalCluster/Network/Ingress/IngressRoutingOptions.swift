import KubeModel

/// Which Ingresses the controller serves and how it reads their annotations.
///
/// Class rule (ingress-nginx's, simplified to names because the embedded runtime has one controller):
/// an Ingress whose `kubernetes.io/ingress.class` annotation is set is served when the value is one of
/// `ingressClassNames`; otherwise one whose `spec.ingressClassName` is set is served when that name is one of
/// them; an Ingress with neither is served when `serveIngressesWithoutClass` (ingress-nginx's
/// `--watch-ingress-without-class`, on here because a local runtime has no other controller to claim them).
public struct IngressRoutingOptions: Sendable, Equatable {
    /// Prefix of the nginx annotations (ingress-nginx's `--annotations-prefix`).
    public var annotationsPrefix = "nginx.ingress.kubernetes.io"
    /// Class names served, by annotation or `spec.ingressClassName`.
    public var ingressClassNames: Set<String> = ["nginx"]
    /// Whether Ingresses without any class are served.
    public var serveIngressesWithoutClass = true

    /// Options; the defaults serve class `nginx` and Ingresses without class.
    public init(annotationsPrefix: String = "nginx.ingress.kubernetes.io", ingressClassNames: Set<String> = ["nginx"],
                serveIngressesWithoutClass: Bool = true) {
        self.annotationsPrefix = annotationsPrefix
        self.ingressClassNames = ingressClassNames
        self.serveIngressesWithoutClass = serveIngressesWithoutClass
    }

    /// Whether the controller serves this Ingress (see the type's documentation).
    public func serves(_ ingress: JSON) -> Bool {
        if let annotated = ingress.annotations["kubernetes.io/ingress.class"], !annotated.isEmpty {
            return ingressClassNames.contains(annotated)
        }
        if let className = ingress["spec"]?["ingressClassName"]?.stringValue, !className.isEmpty {
            return ingressClassNames.contains(className)
        }
        return serveIngressesWithoutClass
    }
}
