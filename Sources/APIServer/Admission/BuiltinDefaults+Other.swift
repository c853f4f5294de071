import KubeModel

/// Networking, autoscaling, policy, RBAC and storage kinds.
extension BuiltinDefaults {
    static func defaultIngress(_ object: inout JSON) {
        object.mutate("spec", create: true) { _ in }
        object.mutate("status", create: true) { $0.setIfUnset("loadBalancer", .emptyObject) }
    }

    static func defaultIngressClass(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.mutate("parameters") { $0.setIfUnset("scope", "Cluster") }
        }
    }

    static func defaultNetworkPolicy(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            if spec["policyTypes"]?.arrayValue?.isEmpty ?? true {
                var types: [JSON] = ["Ingress"]
                if !(spec["egress"]?.arrayValue?.isEmpty ?? true) { types.append("Egress") }
                spec["policyTypes"] = .array(types)
            }
            for direction in ["ingress", "egress"] {
                spec.mutateEach(direction) { rule in
                    rule.mutateEach("ports") { $0.setIfUnset("protocol", "TCP") }
                }
            }
        }
    }

    static func defaultHorizontalPodAutoscalerV1(_ object: inout JSON) {
        object.mutate("spec", create: true) { $0.setIfUnset("minReplicas", 1) }
        ensureStatus(&object, zeros: ["currentReplicas", "desiredReplicas"])
    }

    /// autoscaling/v2: a default CPU target of 80 %, and when `behavior` is given, every unset scaling rule
    /// filled from upstream's defaults (scale up: 0 s window, max of 4 pods or 100 % per 15 s; scale down:
    /// max of 100 % per 15 s, window left to the controller's 300 s).
    static func defaultHorizontalPodAutoscalerV2(_ object: inout JSON) {
        object.mutate("spec", create: true) { spec in
            spec.setIfUnset("minReplicas", 1)
            if spec["metrics"]?.arrayValue?.isEmpty ?? true {
                spec["metrics"] = [[
                    "type": "Resource",
                    "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 80]],
                ]]
            }
            spec.mutateEach("metrics") { metric in
                for source in ["object", "pods", "resource", "containerResource", "external"] {
                    metric.mutate(source) { s in
                        s.mutate("target") { target in
                            target.mutateValue("value") { canonicalQuantity(&$0, roundToMilli: false) }
                            target.mutateValue("averageValue") { canonicalQuantity(&$0, roundToMilli: false) }
                        }
                    }
                }
            }
            spec.mutate("behavior") { behavior in
                behavior["scaleUp"] = scalingRules(behavior["scaleUp"], defaults: [
                    "stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                    "policies": [
                        ["type": "Pods", "value": 4, "periodSeconds": 15],
                        ["type": "Percent", "value": 100, "periodSeconds": 15],
                    ],
                ])
                behavior["scaleDown"] = scalingRules(behavior["scaleDown"], defaults: [
                    "selectPolicy": "Max",
                    "policies": [["type": "Percent", "value": 100, "periodSeconds": 15]],
                ])
            }
        }
        object.mutate("status", create: true) { status in
            if status["currentMetrics"] == nil { status["currentMetrics"] = .null }
            if status["desiredReplicas"] == nil { status["desiredReplicas"] = 0 }
        }
    }

    /// `copyHPAScalingRules`: the given rule's set fields over the defaults.
    private static func scalingRules(_ given: JSON?, defaults: JSON) -> JSON {
        var result = defaults
        guard case .object(let fields)? = given else { return result }
        for (k, v) in fields where !v.isNull { result[k] = v }
        return result
    }

    static func defaultPodDisruptionBudget(_ object: inout JSON) {
        ensureStatus(&object, zeros: ["currentHealthy", "desiredHealthy", "disruptionsAllowed", "expectedPods"])
    }

    static func defaultRoleBinding(_ object: inout JSON) {
        object.mutate("roleRef", create: true) { $0.setIfEmptyString("apiGroup", "rbac.authorization.k8s.io") }
        object.mutateEach("subjects") { subject in
            guard subject.isUnset("apiGroup") || subject["apiGroup"]?.stringValue == "" else { return }
            switch subject["kind"]?.stringValue {
            case "User", "Group": subject["apiGroup"] = "rbac.authorization.k8s.io"
            default: break
            }
        }
    }

    static func defaultStorageClass(_ object: inout JSON) {
        object.setIfUnset("reclaimPolicy", "Delete")
        object.setIfUnset("volumeBindingMode", "Immediate")
    }
}
