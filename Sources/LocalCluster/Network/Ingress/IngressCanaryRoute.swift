/// A canary merged into a location: the canary Ingress, its backend and its traffic-shaping policy.
public struct IngressCanaryRoute: Sendable {
    /// `namespace/name` of the canary Ingress.
    public var ingress: String
    /// Index of the canary backend in `IngressRoutingTable.backends`.
    public var backend: Int
    /// When requests go to the canary.
    public var policy: IngressCanaryPolicy

    /// A canary route.
    public init(ingress: String, backend: Int, policy: IngressCanaryPolicy) {
        self.ingress = ingress
        self.backend = backend
        self.policy = policy
    }
}
