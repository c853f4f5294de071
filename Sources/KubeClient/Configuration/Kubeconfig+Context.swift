import Foundation

extension Kubeconfig {
    /// `contexts[].context`: a cluster, a user and a default namespace.
    public struct Context: Sendable, Hashable {
        /// `cluster`: a name in ``Kubeconfig/clusters``.
        public var cluster: String?
        /// `user`: a name in ``Kubeconfig/users``; nil means anonymous.
        public var user: String?
        /// `namespace`; nil means `default`.
        public var namespace: String?
        /// The file this entry came from.
        public var origin: String

        /// A context entry.
        public init(cluster: String? = nil, user: String? = nil, namespace: String? = nil, origin: String) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
            self.origin = origin
        }
    }
}
