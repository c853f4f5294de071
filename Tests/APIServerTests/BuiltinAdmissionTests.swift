import Foundation
import KubeModel
import Testing
import TestSupport
@testable import APIServer

/// Builds an object as the API server admits it: namespace from the request, a UID, upstream defaulting
/// and (for creates) the create-time steps.
private func admit(_ yaml: String, uid: String = "7c6a3e0c-1f0e-4d51-9a3b-2d9f5e6b8a11", create: Bool = true) throws -> JSON {
    var object = try YAML.decode(yaml)
    if let kind = BuiltinKind(of: object), kind.isNamespaced, object.namespace.isEmpty { object.namespace = "default" }
    object.uid = uid
    BuiltinDefaults.apply(to: &object)
    if create { BuiltinDefaults.applyCreateOnly(to: &object) }
    return object
}

private func json(_ yaml: String) throws -> JSON { try YAML.decode(yaml) }

@Suite("Built-in defaulting")
struct BuiltinDefaultsTests {
    @Test("a minimal Deployment reads back as kubectl shows it on a real cluster")
    func minimalDeployment() throws {
        var object = try json("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
              labels: {app: web}
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    ports:
                    - containerPort: 80
            """)
        BuiltinDefaults.apply(to: &object)
        let expected = try json("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
              labels: {app: web}
            spec:
              progressDeadlineSeconds: 600
              replicas: 1
              revisionHistoryLimit: 10
              selector:
                matchLabels: {app: web}
              strategy:
                rollingUpdate:
                  maxSurge: 25%
                  maxUnavailable: 25%
                type: RollingUpdate
              template:
                metadata:
                  creationTimestamp: null
                  labels: {app: web}
                spec:
                  containers:
                  - image: nginx:1.27
                    imagePullPolicy: IfNotPresent
                    name: web
                    ports:
                    - containerPort: 80
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
            status: {}
            """)
        #expect(object == expected, "\(object.prettyString())")
        var again = object
        BuiltinDefaults.apply(to: &again)
        #expect(again == object, "defaulting is idempotent")
    }

    @Test("a minimal Pod gets spec defaults, admission defaults and its initial status")
    func minimalPod() throws {
        let pod = try admit("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {run: web}}
            spec:
              containers:
              - name: web
                image: nginx
                livenessProbe:
                  httpGet: {port: 80}
                env:
                - name: POD_NAME
                  valueFrom:
                    fieldRef: {fieldPath: metadata.name}
              volumes:
              - name: config
                configMap: {name: web}
              - name: scratch
            """)
        let expected = try json("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: default, uid: 7c6a3e0c-1f0e-4d51-9a3b-2d9f5e6b8a11, labels: {run: web}}
            spec:
              containers:
              - name: web
                image: nginx
                imagePullPolicy: Always
                env:
                - name: POD_NAME
                  valueFrom:
                    fieldRef: {apiVersion: v1, fieldPath: metadata.name}
                livenessProbe:
                  failureThreshold: 3
                  httpGet: {path: /, port: 80, scheme: HTTP}
                  periodSeconds: 10
                  successThreshold: 1
                  timeoutSeconds: 1
                resources: {}
                terminationMessagePath: /dev/termination-log
                terminationMessagePolicy: File
              dnsPolicy: ClusterFirst
              enableServiceLinks: true
              preemptionPolicy: PreemptLowerPriority
              priority: 0
              restartPolicy: Always
              schedulerName: default-scheduler
              securityContext: {}
              serviceAccount: default
              serviceAccountName: default
              terminationGracePeriodSeconds: 30
              tolerations:
              - {effect: NoExecute, key: node.kubernetes.io/not-ready, operator: Exists, tolerationSeconds: 300}
              - {effect: NoExecute, key: node.kubernetes.io/unreachable, operator: Exists, tolerationSeconds: 300}
              volumes:
              - name: config
                configMap: {name: web, defaultMode: 420}
              - name: scratch
                emptyDir: {}
            status: {phase: Pending, qosClass: BestEffort}
            """)
        #expect(pod == expected, "\(pod.prettyString())")
        #expect(BuiltinValidation.validate(pod, old: nil).isEmpty)
    }

    @Test("pod requests default to limits and quantities are canonical; the QoS class follows")
    func podResources() throws {
        let pod = try admit("""
            apiVersion: v1
            kind: Pod
            metadata: {name: sized}
            spec:
              containers:
              - name: app
                image: app:v1
                resources:
                  limits: {cpu: 0.5, memory: 1024Mi}
            """)
        let resources = pod[path: ["spec", "containers"]]?[0]?["resources"]
        #expect(resources == ["limits": ["cpu": "500m", "memory": "1Gi"], "requests": ["cpu": "500m", "memory": "1Gi"]])
        #expect(pod[path: ["status", "qosClass"]] == "Guaranteed")
    }

    @Test("a Service defaults its ports, traffic policies and IP families")
    func serviceDefaults() throws {
        let service = try admit("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports:
              - name: http
                port: 80
              - name: metrics
                port: 9090
                targetPort: metrics
            """)
        let expected = try json("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default, uid: 7c6a3e0c-1f0e-4d51-9a3b-2d9f5e6b8a11}
            spec:
              internalTrafficPolicy: Cluster
              ipFamilies: [IPv4]
              ipFamilyPolicy: SingleStack
              ports:
              - {name: http, port: 80, protocol: TCP, targetPort: 80}
              - {name: metrics, port: 9090, protocol: TCP, targetPort: metrics}
              selector: {app: web}
              sessionAffinity: None
              type: ClusterIP
            status:
              loadBalancer: {}
            """)
        #expect(service == expected, "\(service.prettyString())")
        #expect(BuiltinValidation.validate(service, old: nil).isEmpty)

        let nodePort = try admit("""
            apiVersion: v1
            kind: Service
            metadata: {name: edge}
            spec:
              type: NodePort
              ports: [{port: 8080, targetPort: 0, nodePort: 30080}]
            """)
        #expect(nodePort[path: ["spec", "ports"]]?[0]?["targetPort"] == 8080)
        #expect(nodePort[path: ["spec", "externalTrafficPolicy"]] == "Cluster")

        let headless = try admit("""
            apiVersion: v1
            kind: Service
            metadata: {name: peers}
            spec: {clusterIP: None, ports: [{port: 2380}]}
            """)
        #expect(headless[path: ["spec", "clusterIPs"]] == ["None"])
        #expect(headless[path: ["spec", "ipFamilyPolicy"]] == "RequireDualStack")
        #expect(headless[path: ["spec", "ipFamilies"]] == ["IPv4", "IPv6"])
        #expect(BuiltinValidation.validate(headless, old: nil).isEmpty)
    }

    @Test("a Job gets its generated selector and labels at create, from its UID and name")
    func jobLabels() throws {
        let job = try admit("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: pi}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: pi
                    image: perl:5.34
                    command: ["perl", "-e", "print 1"]
            """, uid: "2b9e0a55-3f5c-4b0e-8c1f-0d7e6a9b4c21")
        let uid = "2b9e0a55-3f5c-4b0e-8c1f-0d7e6a9b4c21"
        let labels: JSON = [
            "batch.kubernetes.io/controller-uid": .string(uid), "batch.kubernetes.io/job-name": "pi",
            "controller-uid": .string(uid), "job-name": "pi",
        ]
        #expect(job[path: ["spec", "selector"]] == ["matchLabels": ["batch.kubernetes.io/controller-uid": .string(uid)]])
        #expect(job[path: ["spec", "template", "metadata", "labels"]] == labels)
        #expect(job[path: ["metadata", "labels"]] == labels)
        let spec = job["spec"] ?? .null
        #expect(spec["backoffLimit"] == 6)
        #expect(spec["completions"] == 1)
        #expect(spec["parallelism"] == 1)
        #expect(spec["completionMode"] == "NonIndexed")
        #expect(spec["suspend"] == false)
        #expect(spec["podReplacementPolicy"] == "TerminatingOrFailed")
        #expect(spec["manualSelector"] == nil)
        #expect(spec[path: ["template", "spec", "restartPolicy"]] == "Never")
        #expect(BuiltinValidation.validate(job, old: nil).isEmpty)
    }

    @Test("a Job with a manual selector keeps its own labels")
    func manualSelector() throws {
        let job = try admit("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: manual, labels: {team: a}}
            spec:
              manualSelector: true
              selector: {matchLabels: {app: manual}}
              template:
                metadata: {labels: {app: manual}}
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: c, image: busybox}]
            """)
        #expect(job[path: ["spec", "template", "metadata", "labels"]] == ["app": "manual"])
        #expect(job[path: ["metadata", "labels"]] == ["team": "a"])
        #expect(BuiltinValidation.validate(job, old: nil).isEmpty)
    }

    @Test("workload controllers get upstream's strategy and history defaults")
    func workloadDefaults() throws {
        let sts = try admit("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: postgres:16}]}
              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
            """)
        let spec = sts["spec"] ?? .null
        #expect(spec["podManagementPolicy"] == "OrderedReady")
        #expect(spec["updateStrategy"] == ["type": "RollingUpdate", "rollingUpdate": ["partition": 0]])
        #expect(spec["persistentVolumeClaimRetentionPolicy"] == ["whenDeleted": "Retain", "whenScaled": "Retain"])
        #expect(spec["replicas"] == 1)
        #expect(spec["revisionHistoryLimit"] == 10)
        #expect(spec["volumeClaimTemplates"]?[0] == (try json("""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {creationTimestamp: null, name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
              volumeMode: Filesystem
            status: {phase: Pending}
            """)))
        #expect(sts["status"] == ["availableReplicas": 0, "replicas": 0])
        #expect(BuiltinValidation.validate(sts, old: nil).isEmpty)

        let ds = try admit("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec: {containers: [{name: agent, image: agent:1}]}
            """)
        #expect(ds[path: ["spec", "updateStrategy"]] == ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": 1, "maxSurge": 0]])
        #expect(ds[path: ["spec", "revisionHistoryLimit"]] == 10)
        #expect(BuiltinValidation.validate(ds, old: nil).isEmpty)

        let cron = try admit("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: job, image: busybox:1.36}]
            """)
        let cronSpec = cron["spec"] ?? .null
        #expect(cronSpec["concurrencyPolicy"] == "Allow")
        #expect(cronSpec["suspend"] == false)
        #expect(cronSpec["successfulJobsHistoryLimit"] == 3)
        #expect(cronSpec["failedJobsHistoryLimit"] == 1)
        #expect(cronSpec[path: ["jobTemplate", "metadata"]] == ["creationTimestamp": .null])
        #expect(cronSpec[path: ["jobTemplate", "spec", "backoffLimit"]] == nil)
        #expect(BuiltinValidation.validate(cron, old: nil).isEmpty)
    }

    @Test("Secret stringData folds into data, Namespaces get their label, finalizer and phase")
    func secretsAndNamespaces() throws {
        let secret = try admit("""
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {password: s3cret}
            data: {user: YWRtaW4=}
            """)
        #expect(secret["type"] == "Opaque")
        #expect(secret["stringData"] == nil)
        #expect(secret["data"] == ["password": "czNjcmV0", "user": "YWRtaW4="])

        let namespace = try admit("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: team-a}
            """)
        #expect(namespace[path: ["metadata", "labels"]] == ["kubernetes.io/metadata.name": "team-a"])
        #expect(namespace["spec"] == ["finalizers": ["kubernetes"]])
        #expect(namespace["status"] == ["phase": "Active"])
        var updated = namespace
        updated["spec"] = ["finalizers": []]
        BuiltinDefaults.apply(to: &updated)
        #expect(updated["spec"] == ["finalizers": []], "the finalizer is not re-added on update")
    }

    @Test("HPA v2 fills behavior only when given, and a default CPU metric")
    func autoscalerDefaults() throws {
        let hpa = try admit("""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              maxReplicas: 5
              behavior:
                scaleDown: {stabilizationWindowSeconds: 60}
            """)
        let expected = try json("""
            minReplicas: 1
            maxReplicas: 5
            scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
            metrics:
            - type: Resource
              resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
            behavior:
              scaleUp:
                stabilizationWindowSeconds: 0
                selectPolicy: Max
                policies:
                - {type: Pods, value: 4, periodSeconds: 15}
                - {type: Percent, value: 100, periodSeconds: 15}
              scaleDown:
                stabilizationWindowSeconds: 60
                selectPolicy: Max
                policies:
                - {type: Percent, value: 100, periodSeconds: 15}
            """)
        #expect(hpa["spec"] == expected, "\((hpa["spec"] ?? .null).prettyString())")
        #expect(BuiltinValidation.validate(hpa, old: nil).isEmpty)
    }

    @Test("quantities are written back in canonical form", arguments: [
        ("0.5", "500m"), ("1024Mi", "1Gi"), ("1.5Gi", "1536Mi"), ("2000m", "2"), ("2000", "2k"), ("1500", "1500"),
        ("100M", "100M"), ("1e3", "1e3"), ("0.5Ki", "512"), ("0.0001", "1m"), ("128974848", "128974848"),
        ("129e6", "129e6"), ("123Mi", "123Mi"), ("0", "0"), (" 1 ", "1"),
    ])
    func quantities(input: String, canonical: String) {
        var value = JSON.string(input)
        BuiltinDefaults.canonicalQuantity(&value, roundToMilli: true)
        #expect(value == .string(canonical))
    }

    @Test("bare numbers become quantity strings")
    func numericQuantities() {
        var one: JSON = 1
        BuiltinDefaults.canonicalQuantity(&one, roundToMilli: true)
        #expect(one == "1")
        var half: JSON = 0.25
        BuiltinDefaults.canonicalQuantity(&half, roundToMilli: true)
        #expect(half == "250m")
    }

    @Test("image pull policy follows the image tag", arguments: [
        ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
        ("localhost:5000/app", "Always"), ("localhost:5000/app:v1", "IfNotPresent"),
        ("ghcr.io/org/app@sha256:0f4a", "IfNotPresent"), ("Nginx", "IfNotPresent"),
    ])
    func pullPolicy(image: String, policy: String) {
        var container: JSON = ["name": "c", "image": .string(image)]
        BuiltinDefaults.defaultContainer(&container)
        #expect(container["imagePullPolicy"] == .string(policy))
    }

    @Test("smaller kinds get their upstream defaults", arguments: [
        ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: netpol}\nspec: {podSelector: {}, egress: [{ports: [{port: 53}]}]}",
         "spec", "{egress: [{ports: [{port: 53, protocol: TCP}]}], podSelector: {}, policyTypes: [Ingress, Egress]}"),
        ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: {kind: Role, name: r}\nsubjects: [{kind: User, name: jane}, {kind: ServiceAccount, name: ci}]",
         "subjects", "[{apiGroup: rbac.authorization.k8s.io, kind: User, name: jane}, {kind: ServiceAccount, name: ci}]"),
        ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: {kind: Role, name: r}",
         "roleRef", "{apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}"),
        ("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: s}\nprovisioner: rancher.io/local-path",
         "volumeBindingMode", "Immediate"),
        ("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: s}\nprovisioner: rancher.io/local-path",
         "reclaimPolicy", "Delete"),
        ("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: p}\nvalue: 100",
         "preemptionPolicy", "PreemptLowerPriority"),
        ("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e}\naddressType: IPv4\nendpoints: [{addresses: [127.0.0.5]}]\nports: [{port: 80}]",
         "ports", "[{name: '', port: 80, protocol: TCP}]"),
        ("apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\nsubsets: [{addresses: [{ip: 127.0.0.5}], ports: [{port: 80}]}]",
         "subsets", "[{addresses: [{ip: 127.0.0.5}], ports: [{port: 80, protocol: TCP}]}]"),
        ("apiVersion: v1\nkind: LimitRange\nmetadata: {name: l}\nspec: {limits: [{type: Container, max: {cpu: '2'}, min: {memory: 64Mi}}]}",
         "spec", "{limits: [{type: Container, max: {cpu: '2'}, min: {memory: 64Mi}, default: {cpu: '2'}, defaultRequest: {cpu: '2', memory: 64Mi}}]}"),
        ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1.5Gi}}}",
         "spec", "{accessModes: [ReadWriteOnce], resources: {requests: {storage: 1536Mi}}, volumeMode: Filesystem}"),
        ("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec: {template: {metadata: {labels: {app: rc}}, spec: {containers: [{name: c, image: c:1}]}}}",
         "metadata", "{name: rc, namespace: default, uid: 7c6a3e0c-1f0e-4d51-9a3b-2d9f5e6b8a11, labels: {app: rc}}"),
        ("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b}\nspec: {minAvailable: 1, selector: {matchLabels: {app: a}}}",
         "status", "{currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0}"),
    ])
    func smallKinds(manifest: String, field: String, expected: String) throws {
        let object = try admit(manifest)
        #expect(object[field] == (try json(expected)), "\((object[field] ?? .null).serializedString())")
        #expect(BuiltinValidation.validate(object, old: nil).isEmpty)
    }

    @Test("objects of other kinds are left alone")
    func otherKinds() throws {
        let original = try json("""
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: r}
            spec: {template: {spec: {containers: [{name: c, image: x}]}}}
            """)
        var object = original
        BuiltinDefaults.apply(to: &object)
        BuiltinDefaults.applyCreateOnly(to: &object)
        #expect(object == original)
        #expect(BuiltinValidation.validate(object, old: nil).isEmpty)
    }
}

/// A manifest that should be rejected on create, with upstream's error texts in order.
struct AdmissionRejectedCreate: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let errors: [String]
    var testDescription: String { name }
}

private let deploymentTemplate = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: REPLICAS
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: LABEL}}
        spec:
          containers:
          - name: web
            IMAGE
    """

private func deployment(replicas: Int = 1, label: String = "web", image: String = "image: nginx") -> String {
    deploymentTemplate.replacingOccurrences(of: "REPLICAS", with: "\(replicas)")
        .replacingOccurrences(of: "LABEL", with: label)
        .replacingOccurrences(of: "IMAGE", with: image)
}

private func pod(_ containers: String, extra: String = "") -> String {
    """
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
    \(extra)
      containers:
    \(containers)
    """
}

private let rejectedCreates: [AdmissionRejectedCreate] = [
    AdmissionRejectedCreate(name: "container without an image", yaml: deployment(image: "imagePullPolicy: Always"),
                   errors: ["spec.template.spec.containers[0].image: Required value"]),
    AdmissionRejectedCreate(name: "negative replicas", yaml: deployment(replicas: -1),
                   errors: ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]),
    AdmissionRejectedCreate(name: "selector that misses the template", yaml: deployment(label: "api"),
                   errors: ["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"api\"}: `selector` does not match template `labels`"]),
    AdmissionRejectedCreate(name: "pod without containers", yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}",
                   errors: ["spec.containers: Required value"]),
    AdmissionRejectedCreate(name: "duplicate container names",
                   yaml: pod("  - {name: app, image: a}\n  - {name: app, image: b}"),
                   errors: ["spec.containers[1].name: Duplicate value: \"app\""]),
    AdmissionRejectedCreate(name: "container name that is not a DNS label", yaml: pod("  - {name: App_1, image: a}"),
                   errors: ["spec.containers[0].name: Invalid value: \"App_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]),
    AdmissionRejectedCreate(name: "container port out of range", yaml: pod("  - {name: app, image: a, ports: [{containerPort: 70000}]}"),
                   errors: ["spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"]),
    AdmissionRejectedCreate(name: "unknown restart policy", yaml: pod("  - {name: app, image: a}", extra: "  restartPolicy: Sometimes"),
                   errors: ["spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""]),
    AdmissionRejectedCreate(name: "probe with two handlers and probe with none",
                   yaml: pod("  - name: app\n    image: a\n    livenessProbe: {httpGet: {port: 80}, tcpSocket: {port: 80}}\n    readinessProbe: {periodSeconds: 5}"),
                   errors: [
                       "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
                       "spec.containers[0].readinessProbe: Required value: must specify a handler type",
                   ]),
    AdmissionRejectedCreate(name: "job that restarts forever", yaml: """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          template:
            spec:
              containers: [{name: c, image: busybox}]
        """, errors: ["spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""]),
    AdmissionRejectedCreate(name: "cron schedule with three fields", yaml: """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: c}
        spec:
          schedule: "* * *"
          jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}
        """, errors: ["spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]"]),
    AdmissionRejectedCreate(name: "cron minute out of range", yaml: """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: c}
        spec:
          schedule: "61 * * * *"
          jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}
        """, errors: ["spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"]),
    AdmissionRejectedCreate(name: "service ports without names, of an unknown type", yaml: """
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec:
          type: Internal
          ports: [{port: 80}, {port: 443}]
        """, errors: [
            "spec.ports[0].name: Required value",
            "spec.ports[1].name: Required value",
            "spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
        ]),
    AdmissionRejectedCreate(name: "service without ports", yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: s}}",
                   errors: ["spec.ports: Required value"]),
    AdmissionRejectedCreate(name: "node port outside the range", yaml: """
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec:
          type: NodePort
          ports: [{port: 80, nodePort: 80}]
        """, errors: ["spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"]),
    AdmissionRejectedCreate(name: "service name that is not a DNS-1035 label", yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}",
                   errors: ["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]),
    AdmissionRejectedCreate(name: "namespace name that is not a DNS label", yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: Team_A}",
                   errors: ["metadata.name: Invalid value: \"Team_A\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]),
    AdmissionRejectedCreate(name: "config key with a space", yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {\"bad key\": x}",
                   errors: ["data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]),
    AdmissionRejectedCreate(name: "label value starting with a dash", yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {tier: -bad}}",
                   errors: ["metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]),
    AdmissionRejectedCreate(name: "ingress path without a path type", yaml: """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: i}
        spec:
          rules:
          - host: example.com
            http:
              paths:
              - path: /
                backend: {service: {name: web, port: {number: 80}}}
        """, errors: ["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]),
    AdmissionRejectedCreate(name: "autoscaler with no room to scale", yaml: """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: h}
        spec:
          scaleTargetRef: {kind: Deployment, name: web}
          minReplicas: 2
          maxReplicas: 0
        """, errors: [
            "spec.maxReplicas: Invalid value: 0: must be greater than 0",
            "spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`",
        ]),
    AdmissionRejectedCreate(name: "role binding to an unknown kind", yaml: """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: b}
        roleRef: {kind: Policy, name: admin}
        subjects: [{kind: ServiceAccount, name: default}]
        """, errors: ["roleRef.kind: Unsupported value: \"Policy\": supported values: \"Role\", \"ClusterRole\""]),
    AdmissionRejectedCreate(name: "requests above limits", yaml: pod("  - {name: app, image: a, resources: {limits: {cpu: 500m}, requests: {cpu: \"1\"}}}"),
                   errors: ["spec.containers[0].resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 500m"]),
    AdmissionRejectedCreate(name: "network policy peer mixing ipBlock and a selector", yaml: """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: netpol}
        spec:
          podSelector: {}
          ingress:
          - from:
            - ipBlock: {cidr: 10.0.0.0/8}
              podSelector: {matchLabels: {app: a}}
        """, errors: ["spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"]),
    AdmissionRejectedCreate(name: "disruption budget with both bounds", yaml: """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: b}
        spec: {minAvailable: 1, maxUnavailable: 150%, selector: {matchLabels: {app: a}}}
        """, errors: [
            "spec: Invalid value: map[string]interface {}{\"maxUnavailable\":\"150%\", \"minAvailable\":1, \"selector\":map[string]interface {}{\"matchLabels\":map[string]string{\"app\":\"a\"}}}: minAvailable and maxUnavailable cannot be both set",
            "spec.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%",
        ]),
    AdmissionRejectedCreate(name: "storage class without a provisioner", yaml: "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}",
                   errors: ["provisioner: Required value"]),
    AdmissionRejectedCreate(name: "user priority class above the limit", yaml: "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: urgent}\nvalue: 2000000000",
                   errors: ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]),
    AdmissionRejectedCreate(name: "lease of no duration", yaml: "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: l}\nspec: {holderIdentity: a, leaseDurationSeconds: 0}",
                   errors: ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]),
    AdmissionRejectedCreate(name: "TLS secret without its keys", yaml: "apiVersion: v1\nkind: Secret\nmetadata: {name: t}\ntype: kubernetes.io/tls\ndata: {}",
                   errors: ["data[tls.crt]: Required value", "data[tls.key]: Required value"]),
    AdmissionRejectedCreate(name: "endpoints with a host name for an address", yaml: """
        apiVersion: v1
        kind: Endpoints
        metadata: {name: e}
        subsets:
        - addresses: [{ip: example.com}]
          ports: [{port: 80}]
        """, errors: ["subsets[0].addresses[0].ip: Invalid value: \"example.com\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]),
    AdmissionRejectedCreate(name: "service account subject with an API group", yaml: """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: b}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: ServiceAccount, name: default, apiGroup: rbac.authorization.k8s.io}]
        """, errors: [
            "subjects[0].apiGroup: Unsupported value: \"rbac.authorization.k8s.io\": supported values: \"\"",
            "subjects[0].namespace: Required value",
        ]),
    AdmissionRejectedCreate(name: "volume mount of an unknown volume", yaml: pod("  - {name: app, image: a, volumeMounts: [{name: data, mountPath: /data}]}"),
                   errors: ["spec.containers[0].volumeMounts[0].name: Not found: \"data\""]),
]

/// An update that should be rejected: the old object as stored, the new one as sent.
struct AdmissionRejectedUpdate: Sendable, CustomTestStringConvertible {
    let name: String
    let old: String
    let new: String
    let errors: [String]
    var testDescription: String { name }
}

private let rejectedUpdates: [AdmissionRejectedUpdate] = [
    AdmissionRejectedUpdate(name: "Deployment selector change", old: deployment(), new: deployment().replacingOccurrences(of: "matchLabels: {app: web}", with: "matchLabels: {app: web, v: \"2\"}").replacingOccurrences(of: "labels: {app: web}", with: "labels: {app: web, v: \"2\"}"),
                   errors: ["spec.selector: Invalid value: map[string]interface {}{\"matchLabels\":map[string]string{\"app\":\"web\", \"v\":\"2\"}}: field is immutable"]),
    AdmissionRejectedUpdate(name: "Service cluster IP change", old: """
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec: {clusterIP: 10.96.0.10, ports: [{port: 80}]}
        """, new: """
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
        """, errors: ["spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.20\"}: may not change once set"]),
    AdmissionRejectedUpdate(name: "immutable ConfigMap data change", old: """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        immutable: true
        data: {a: "1"}
        """, new: """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c}
        immutable: true
        data: {a: "2"}
        """, errors: ["data: Forbidden: field is immutable when `immutable` is set"]),
    AdmissionRejectedUpdate(name: "immutable Secret made mutable", old: """
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
        immutable: true
        data: {a: MQ==}
        """, new: """
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
        data: {a: MQ==}
        """, errors: ["immutable: Forbidden: field is immutable when `immutable` is set"]),
    AdmissionRejectedUpdate(name: "StatefulSet service name change", old: """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          selector: {matchLabels: {app: db}}
          template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres}]}}
        """, new: """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: database
          selector: {matchLabels: {app: db}}
          template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres}]}}
        """, errors: ["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]),
    AdmissionRejectedUpdate(name: "claim access mode change", old: """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """, new: """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 2Gi}}}
        """, errors: ["spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"]),
    AdmissionRejectedUpdate(name: "role binding pointed at another role", old: """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: b}
        roleRef: {kind: Role, name: reader}
        """, new: """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: b}
        roleRef: {kind: Role, name: writer}
        """, errors: ["roleRef: Invalid value: map[string]string{\"apiGroup\":\"rbac.authorization.k8s.io\", \"kind\":\"Role\", \"name\":\"writer\"}: cannot change roleRef"]),
    AdmissionRejectedUpdate(name: "priority class value change", old: "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: p}\nvalue: 10",
                   new: "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: p}\nvalue: 20",
                   errors: ["value: Forbidden: may not be changed in an update."]),
    AdmissionRejectedUpdate(name: "pod port change", old: pod("  - {name: app, image: a:1, ports: [{containerPort: 80}]}"),
                   new: pod("  - {name: app, image: a:2, ports: [{containerPort: 81}]}"),
                   errors: ["spec: Forbidden: \(BuiltinValidation.podUpdateMessage)"]),
]

@Suite("Built-in validation")
struct BuiltinValidationTests {
    @Test("bad objects are rejected with upstream's messages", arguments: rejectedCreates)
    func rejectsOnCreate(_ example: AdmissionRejectedCreate) throws {
        let object = try admit(example.yaml)
        let errors = BuiltinValidation.validate(object, old: nil).map(\.description)
        #expect(errors == example.errors)
    }

    @Test("forbidden updates are rejected with upstream's messages", arguments: rejectedUpdates)
    func rejectsOnUpdate(_ example: AdmissionRejectedUpdate) throws {
        let old = try admit(example.old)
        var new = try admit(example.new, create: false)
        new[path: ["metadata", "uid"]] = old[path: ["metadata", "uid"]]
        if old["status"] != nil { new["status"] = old["status"] }
        if old.kind == "Pod" {
            // What create-time admission added is part of the stored pod; a full update sends it back.
            for field in ["serviceAccountName", "serviceAccount", "tolerations"] {
                new[path: ["spec", field]] = old[path: ["spec", field]]
            }
        }
        let errors = BuiltinValidation.validate(new, old: old).map(\.description)
        #expect(errors == example.errors)
    }

    @Test("allowed updates pass: images, claim requests, Job suspension, service without its IP")
    func allowedUpdates() throws {
        let oldPod = try admit(pod("  - {name: app, image: a:1}"))
        var newPod = oldPod
        newPod[path: ["spec", "containers"]] = [["name": "app", "image": "a:2"]]
        BuiltinDefaults.apply(to: &newPod)
        #expect(BuiltinValidation.validate(newPod, old: oldPod).isEmpty)

        let oldClaim = try admit("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}")
        var bigger = oldClaim
        bigger[path: ["spec", "resources", "requests", "storage"]] = "2Gi"
        #expect(BuiltinValidation.validate(bigger, old: oldClaim).isEmpty)
        var smaller = oldClaim
        smaller[path: ["spec", "resources", "requests", "storage"]] = "512Mi"
        #expect(BuiltinValidation.validate(smaller, old: oldClaim).map(\.description) == ["spec.resources.requests.storage: Forbidden: field can not be less than previous value"])

        let oldService = try admit("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {clusterIP: 10.96.0.10, ports: [{port: 80}]}")
        let resent = try admit("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 8080}]}", create: false)
        #expect(BuiltinValidation.validate(resent, old: oldService).isEmpty)
    }

    @Test("a Job template change is rejected, the generated labels are checked")
    func jobRules() throws {
        let yaml = """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: j}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: c, image: busybox:1}]
            """
        let old = try admit(yaml)
        var new = old
        new[path: ["spec", "template", "spec", "containers"]] = [["name": "c", "image": "busybox:2"]]
        BuiltinDefaults.apply(to: &new)
        let errors = BuiltinValidation.validate(new, old: old)
        #expect(errors.map(\.field) == ["spec.template"])
        #expect(errors.map(\.detail) == ["field is immutable"])

        var tampered = try admit(yaml.replacingOccurrences(of: "  template:\n", with: "  template:\n    metadata: {labels: {job-name: other}}\n"))
        tampered.name = "j"
        let labelErrors = BuiltinValidation.validate(tampered, old: nil).map(\.description)
        #expect(labelErrors.first == "spec.template.metadata.labels[job-name]: Invalid value: map[string]string{\"batch.kubernetes.io/controller-uid\":\"7c6a3e0c-1f0e-4d51-9a3b-2d9f5e6b8a11\", \"batch.kubernetes.io/job-name\":\"j\", \"controller-uid\":\"7c6a3e0c-1f0e-4d51-9a3b-2d9f5e6b8a11\", \"job-name\":\"other\"}: must be 'j'")
    }

    @Test("objects the controllers write are admitted", arguments: [
        """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: web-5d9c7b8f4
          labels: {app: web, pod-template-hash: 5d9c7b8f4}
          annotations: {deployment.kubernetes.io/revision: "1"}
          ownerReferences:
          - {apiVersion: apps/v1, kind: Deployment, name: web, uid: 0a1b2c3d-0000-4000-8000-000000000001, controller: true, blockOwnerDeletion: true}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web, pod-template-hash: 5d9c7b8f4}}
          template:
            metadata: {labels: {app: web, pod-template-hash: 5d9c7b8f4}}
            spec: {containers: [{name: web, image: argoproj/rollouts-demo:blue}]}
        """,
        """
        apiVersion: v1
        kind: Event
        metadata: {name: web.17a8b9c0d1e2f3a4}
        involvedObject: {apiVersion: apps/v1, kind: Deployment, name: web, namespace: default}
        reason: ScalingReplicaSet
        message: Scaled up replica set web-5d9c7b8f4 to 3
        type: Normal
        source: {component: deployment-controller}
        count: 1
        """,
        """
        apiVersion: events.k8s.io/v1
        kind: Event
        metadata: {name: web.17a8b9c0d1e2f3a5}
        eventTime: "2026-11-22T01:47:52.000000Z"
        regarding: {apiVersion: v1, kind: Pod, name: web-5d9c7b8f4-x2k9q, namespace: default}
        reportingController: tack.dev/kubelet
        reportingInstance: kubelet-local
        action: Started
        reason: Started
        note: Started container web
        type: Normal
        """,
        """
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata: {name: tack-controller-manager}
        spec: {holderIdentity: tack-1, leaseDurationSeconds: 15, acquireTime: "2026-11-22T01:47:52.000000Z", renewTime: "2026-11-22T01:47:52.000000Z", leaseTransitions: 0}
        """,
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-abcde, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        endpoints:
        - addresses: [127.0.0.12]
          conditions: {ready: true, serving: true, terminating: false}
          targetRef: {kind: Pod, name: web-5d9c7b8f4-x2k9q, namespace: default}
        ports: [{name: http, port: 8080, protocol: TCP}]
        """,
    ])
    func controllerObjects(_ yaml: String) throws {
        let object = try admit(yaml)
        #expect(BuiltinValidation.validate(object, old: nil).map(\.description) == [])
    }

    @Test("an events.k8s.io event must name its reporter and action")
    func newStyleEvents() throws {
        let event = try admit("""
            apiVersion: events.k8s.io/v1
            kind: Event
            metadata: {name: e}
            eventTime: "2026-11-22T01:47:52.000000Z"
            regarding: {kind: Pod, name: p, namespace: default}
            type: Info
            reason: Started
            """)
        #expect(BuiltinValidation.validate(event, old: nil).map(\.description) == [
            "type: Invalid value: \"\": has invalid value: Info",
            "reportingController: Required value",
            "reportingController: Invalid value: \"\": name part must be non-empty",
            "reportingInstance: Required value",
            "action: Required value",
        ])
    }

    @Test("ConfigMaps and Secrets may hold at most 1 MiB")
    func dataSize() throws {
        let big = String(repeating: "x", count: 1024 * 1024)
        var configMap = try admit("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}")
        configMap["data"] = ["a": .string(big), "b": "y"]
        #expect(BuiltinValidation.validate(configMap, old: nil).map(\.description) == ["[]: Too long: must have at most 1048576 bytes"])
        configMap["data"] = ["a": .string(big)]
        #expect(BuiltinValidation.validate(configMap, old: nil).isEmpty)

        var secret = try admit("apiVersion: v1\nkind: Secret\nmetadata: {name: s}")
        secret["data"] = ["a": .string(Data(repeating: 65, count: 1024 * 1024 + 1).base64EncodedString())]
        #expect(BuiltinValidation.validate(secret, old: nil).map(\.description) == ["data: Too long: must have at most 1048576 bytes"])
    }

    @Test("annotations may hold at most 256 KiB in total")
    func annotationSize() throws {
        var object = try admit("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}")
        object[path: ["metadata", "annotations"]] = ["note": .string(String(repeating: "n", count: 256 * 1024))]
        #expect(BuiltinValidation.validate(object, old: nil).map(\.description) == ["metadata.annotations: Too long: must have at most 262144 bytes"])
    }

    @Test("cron schedules are checked as robfig/cron does", arguments: [
        ("*/5 * * * *", nil), ("0 3 * * mon-fri", nil), ("@hourly", nil), ("@every 1h30m", nil), ("0 0 1 JAN *", nil),
        ("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"),
        ("0 24 * * *", "end of range (24) above maximum (23): 24"),
        ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("5-2 * * * *", "beginning of range (5) beyond end of range (2): 5-2"),
        ("x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"),
        ("@sometimes", "unrecognized descriptor: @sometimes"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
    ] as [(String, String?)])
    func cron(schedule: String, error: String?) {
        #expect(CronSchedule.error(in: schedule) == error)
    }

    @Test("every built-in object among the seed fixtures is admitted without errors")
    func seedFixtures() throws {
        let root = Fixtures.url("seeds")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path } ?? []
        var kinds = Set<String>()
        var checked = 0
        for file in files {
            let documents = try YAML.decodeAll(String(contentsOf: file, encoding: .utf8))
            for document in documents where BuiltinKind(of: document) != nil {
                // Excerpts whose metadata was cut off in the source notes are not whole objects.
                guard !document.name.isEmpty else { continue }
                var object = document
                if let kind = BuiltinKind(of: object), kind.isNamespaced, object.namespace.isEmpty { object.namespace = "default" }
                object.uid = "0b7f6a43-9d4e-4c1a-8e2f-5a6b7c8d9e0f"
                BuiltinDefaults.apply(to: &object)
                BuiltinDefaults.applyCreateOnly(to: &object)
                let errors = BuiltinValidation.validate(object, old: nil)
                #expect(errors.isEmpty, "\(file.lastPathComponent) \(object.kind)/\(object.name): \(errors.joinedDescription)")
                kinds.insert(object.kind)
                checked += 1
            }
        }
        #expect(checked >= 60)
        #expect(kinds.isSuperset(of: ["Deployment", "Service", "Ingress", "ConfigMap", "Secret", "Namespace", "ServiceAccount", "PersistentVolumeClaim", "HorizontalPodAutoscaler", "Role", "ClusterRoleBinding", "StorageClass", "Pod"]), "\(kinds.sorted())")
    }
}
