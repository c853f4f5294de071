import Foundation
import KubeModel
import Testing
import TestSupport

@testable import APIServer

/// Rows as kube-apiserver 1.32 renders them (`pkg/printers/internalversion`), at a fixed clock.
@Suite("Built-in and custom resource tables")
struct BuiltinTablesTests {
    static let now = Timestamp.parse("2024-05-01T12:00:00Z")!

    /// An RFC 3339 time `seconds` before `now`.
    static func ago(_ seconds: Int) -> String { Timestamp.format(now.addingTimeInterval(-Double(seconds))) }

    static func object(_ yaml: String) -> JSON {
        var obj = try! YAML.decode(yaml)
        if obj["metadata"]?["creationTimestamp"] == nil { obj[path: ["metadata", "creationTimestamp"]] = .string(ago(300)) }
        return obj
    }

    static func row(_ resource: GroupResource, _ obj: JSON) -> [JSON] {
        BuiltinTables.cells(for: obj, resource: resource, now: now)
    }

    static let pods = GroupResource(group: "", resource: "pods")

    // MARK: - Pods

    static let podCases: [(String, JSON, [JSON])] = [
        ("running", object("""
            metadata: {name: web}
            spec: {nodeName: tack, containers: [{name: web, image: nginx}]}
            status:
              phase: Running
              podIP: 10.0.0.5
              conditions: [{type: Ready, status: "True"}]
              containerStatuses: [{name: web, ready: true, restartCount: 0, state: {running: {startedAt: "2024-05-01T11:56:00Z"}}}]
            """), ["web", "1/1", "Running", "0", "5m", "10.0.0.5", "tack", "<none>", "<none>"]),
        ("pending while the container is created", object("""
            metadata: {name: web}
            spec: {containers: [{name: web, image: nginx}]}
            status:
              phase: Pending
              containerStatuses: [{name: web, ready: false, restartCount: 0, state: {waiting: {reason: ContainerCreating}}}]
            """), ["web", "0/1", "ContainerCreating", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ("crash looping with restarts", object("""
            metadata: {name: web}
            spec: {nodeName: tack, containers: [{name: app, image: app}, {name: proxy, image: envoy}]}
            status:
              phase: Running
              podIPs: [{ip: 10.0.0.6}]
              containerStatuses:
              - name: app
                ready: false
                restartCount: 3
                state: {waiting: {reason: CrashLoopBackOff, message: back-off}}
                lastState: {terminated: {exitCode: 1, reason: Error, finishedAt: "\(ago(300))"}}
              - {name: proxy, ready: true, restartCount: 0, state: {running: {}}}
            """), ["web", "1/2", "CrashLoopBackOff", "3 (5m ago)", "5m", "10.0.0.6", "tack", "<none>", "<none>"]),
        ("completed", object("""
            metadata: {name: job-x}
            spec: {containers: [{name: main, image: busybox}]}
            status:
              phase: Succeeded
              containerStatuses: [{name: main, ready: false, restartCount: 0, state: {terminated: {exitCode: 0, reason: Completed}}}]
            """), ["job-x", "0/1", "Completed", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ("waiting for its init container", object("""
            metadata: {name: web}
            spec: {initContainers: [{name: migrate, image: tool}], containers: [{name: web, image: nginx}]}
            status:
              phase: Pending
              conditions: [{type: Initialized, status: "False"}]
              initContainerStatuses: [{name: migrate, ready: false, restartCount: 0, state: {running: {}}}]
              containerStatuses: [{name: web, ready: false, restartCount: 0, state: {waiting: {reason: PodInitializing}}}]
            """), ["web", "0/1", "Init:0/1", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ("init container crash looping", object("""
            metadata: {name: web}
            spec: {initContainers: [{name: migrate, image: tool}], containers: [{name: web, image: nginx}]}
            status:
              phase: Pending
              initContainerStatuses:
              - {name: migrate, ready: false, restartCount: 2, state: {waiting: {reason: CrashLoopBackOff}},
                 lastState: {terminated: {exitCode: 1, finishedAt: "\(ago(60))"}}}
            """), ["web", "0/1", "Init:CrashLoopBackOff", "2 (60s ago)", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ("init container failed without a reason", object("""
            metadata: {name: web}
            spec: {initContainers: [{name: migrate, image: tool}], containers: [{name: web, image: nginx}]}
            status:
              phase: Pending
              initContainerStatuses: [{name: migrate, ready: false, restartCount: 0, state: {terminated: {exitCode: 3}}}]
            """), ["web", "0/1", "Init:ExitCode:3", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ("running a restartable init container (sidecar)", object("""
            metadata: {name: web}
            spec:
              initContainers: [{name: proxy, image: envoy, restartPolicy: Always}]
              containers: [{name: web, image: nginx}]
              readinessGates: [{conditionType: example.com/ready}, {conditionType: example.com/other}]
            status:
              phase: Running
              conditions: [{type: Initialized, status: "True"}, {type: Ready, status: "True"}, {type: example.com/ready, status: "True"}]
              initContainerStatuses:
              - {name: proxy, ready: true, started: true, restartCount: 1, state: {running: {}},
                 lastState: {terminated: {exitCode: 137, finishedAt: "\(ago(14400))"}}}
              containerStatuses: [{name: web, ready: true, restartCount: 0, state: {running: {}}}]
            """), ["web", "2/2", "Running", "1 (4h ago)", "5m", "<none>", "<none>", "<none>", "1/2"]),
        ("terminating", object("""
            metadata: {name: web, deletionTimestamp: "\(ago(10))"}
            spec: {containers: [{name: web, image: nginx}]}
            status:
              phase: Running
              containerStatuses: [{name: web, ready: true, restartCount: 0, state: {running: {}}}]
            """), ["web", "1/1", "Terminating", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ("lost with its node", object("""
            metadata: {name: web, deletionTimestamp: "\(ago(10))"}
            spec: {containers: [{name: web, image: nginx}]}
            status: {phase: Running, reason: NodeLost}
            """), ["web", "0/1", "Unknown", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ("killed by a signal", object("""
            metadata: {name: web}
            spec: {containers: [{name: web, image: nginx}]}
            status:
              phase: Failed
              containerStatuses: [{name: web, ready: false, restartCount: 0, state: {terminated: {exitCode: 137, signal: 9}}}]
            """), ["web", "0/1", "Signal:9", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
        ("scheduling gated", object("""
            metadata: {name: web}
            spec: {containers: [{name: web, image: nginx}]}
            status: {phase: Pending, conditions: [{type: PodScheduled, status: "False", reason: SchedulingGated}]}
            """), ["web", "0/1", "SchedulingGated", "0", "5m", "<none>", "<none>", "<none>", "<none>"]),
    ]

    @Test("renders a pod row", arguments: podCases)
    func rendersPod(name: String, pod: JSON, expected: [JSON]) {
        #expect(Self.row(Self.pods, pod) == expected, "\(name)")
    }

    @Test("describes the pod columns as the API server does")
    func podColumns() throws {
        let columns = try #require(BuiltinTables.columns(for: Self.pods))
        #expect(columns.map(\.name) == ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"])
        #expect(columns.map(\.priority) == [0, 0, 0, 0, 0, 1, 1, 1, 1])
        #expect(columns.allSatisfy { $0.type == "string" })
        #expect(columns[0].json == [
            "name": "Name", "type": "string", "format": "name", "priority": 0,
            "description": "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
        ])
        #expect(columns[3].description == "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.")
    }

    // MARK: - Other built-in resources

    static let rowCases: [(String, String, String, [JSON])] = [
        ("apps", "deployments", """
            metadata: {name: web}
            spec:
              replicas: 3
              selector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [front, edge]}]}
              template: {spec: {containers: [{name: web, image: "nginx:1.27"}, {name: log, image: busybox}]}}
            status: {replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2}
            """, ["web", "2/3", 3, 2, "5m", "web,log", "nginx:1.27,busybox", "app=web,tier in (edge,front)"]),
        ("apps", "deployments", """
            metadata: {name: empty}
            spec: {selector: {matchLabels: {app: x}}, template: {spec: {containers: []}}}
            """, ["empty", "0/1", 0, 0, "5m", "", "", "app=x"]),
        ("apps", "replicasets", """
            metadata: {name: web-5d8f}
            spec: {replicas: 2, selector: {matchLabels: {app: web, pod-template-hash: 5d8f}}, template: {spec: {containers: [{name: web, image: nginx}]}}}
            status: {replicas: 2, readyReplicas: 1}
            """, ["web-5d8f", 2, 2, 1, "5m", "web", "nginx", "app=web,pod-template-hash=5d8f"]),
        ("apps", "statefulsets", """
            metadata: {name: db}
            spec: {replicas: 3, template: {spec: {containers: [{name: pg, image: postgres}]}}}
            status: {readyReplicas: 1}
            """, ["db", "1/3", "5m", "pg", "postgres"]),
        ("apps", "daemonsets", """
            metadata: {name: agent}
            spec: {selector: {matchLabels: {app: agent}}, template: {spec: {nodeSelector: {os: linux}, containers: [{name: a, image: agent}]}}}
            status: {desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1}
            """, ["agent", 2, 2, 1, 2, 1, "os=linux", "5m", "a", "agent", "app=agent"]),
        ("apps", "controllerrevisions", """
            metadata:
              name: db-7c9
              ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: db, uid: u1, controller: true}]
            revision: 2
            """, ["db-7c9", "statefulset.apps/db", 2, "5m"]),
        ("batch", "jobs", """
            metadata: {name: pi}
            spec: {completions: 1, selector: {matchLabels: {batch.kubernetes.io/controller-uid: abc}}, template: {spec: {containers: [{name: pi, image: perl}]}}}
            status: {active: 1, startTime: "\(ago(90))"}
            """, ["pi", "Running", "0/1", "90s", "5m", "pi", "perl", "batch.kubernetes.io/controller-uid=abc"]),
        ("batch", "jobs", """
            metadata: {name: done}
            spec: {completions: 1, template: {spec: {containers: [{name: pi, image: perl}]}}}
            status:
              succeeded: 1
              startTime: "\(ago(300))"
              completionTime: "\(ago(280))"
              conditions: [{type: SuccessCriteriaMet, status: "True"}, {type: Complete, status: "True"}]
            """, ["done", "Complete", "1/1", "20s", "5m", "pi", "perl", "<none>"]),
        ("batch", "jobs", """
            metadata: {name: wide}
            spec: {parallelism: 3, template: {spec: {containers: [{name: w, image: busybox}]}}}
            status: {conditions: [{type: Failed, status: "True"}]}
            """, ["wide", "Failed", "0/1 of 3", "", "5m", "w", "busybox", "<none>"]),
        ("batch", "cronjobs", """
            metadata: {name: nightly}
            spec:
              schedule: "0 3 * * *"
              suspend: false
              jobTemplate: {spec: {template: {spec: {containers: [{name: backup, image: tool}]}}}}
            status: {active: [{name: nightly-1}], lastScheduleTime: "\(ago(3600))"}
            """, ["nightly", "0 3 * * *", "<none>", "False", 1, "60m", "5m", "backup", "tool", "<none>"]),
        ("", "services", """
            metadata: {name: web}
            spec: {type: ClusterIP, clusterIP: 10.96.0.10, clusterIPs: [10.96.0.10], selector: {app: web}, ports: [{port: 80, protocol: TCP, targetPort: 8080}]}
            """, ["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP", "5m", "app=web"]),
        ("", "services", """
            metadata: {name: web-np}
            spec:
              type: NodePort
              clusterIP: 10.96.0.11
              selector: {app: web, tier: front}
              ports: [{port: 80, nodePort: 30080, protocol: TCP}, {port: 443, nodePort: 30001, protocol: TCP}, {port: 53, protocol: UDP}]
            """, ["web-np", "NodePort", "10.96.0.11", "<none>", "80:30080/TCP,443:30001/TCP,53/UDP", "5m", "app=web,tier=front"]),
        ("", "services", """
            metadata: {name: db-headless}
            spec: {type: ClusterIP, clusterIP: None, clusterIPs: [None]}
            """, ["db-headless", "ClusterIP", "None", "<none>", "<none>", "5m", "<none>"]),
        ("", "services", """
            metadata: {name: lb}
            spec: {type: LoadBalancer, clusterIP: 10.96.0.12, ports: [{port: 443, nodePort: 31443, protocol: TCP}]}
            """, ["lb", "LoadBalancer", "10.96.0.12", "<pending>", "443:31443/TCP", "5m", "<none>"]),
        ("", "services", """
            metadata: {name: lb2}
            spec: {type: LoadBalancer, clusterIP: 10.96.0.13, externalIPs: [192.0.2.9]}
            status: {loadBalancer: {ingress: [{ip: 203.0.113.7}, {hostname: lb.example.com}]}}
            """, ["lb2", "LoadBalancer", "10.96.0.13", "203.0.113.7,lb.example.com,192.0.2.9", "<none>", "5m", "<none>"]),
        ("", "services", """
            metadata: {name: ext}
            spec: {type: ExternalName, externalName: db.example.com}
            """, ["ext", "ExternalName", "<none>", "db.example.com", "<none>", "5m", "<none>"]),
        ("", "endpoints", """
            metadata: {name: web}
            subsets:
            - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: 10.0.0.3}]
              ports: [{port: 8080}, {port: 9090}]
            """, ["web", "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 3 more...", "5m"]),
        ("", "endpoints", "metadata: {name: none}", ["none", "<none>", "5m"]),
        ("discovery.k8s.io", "endpointslices", """
            metadata: {name: web-abc}
            addressType: IPv4
            ports: [{name: http, port: 8080}]
            endpoints: [{addresses: [10.0.0.1]}, {addresses: [10.0.0.2]}]
            """, ["web-abc", "IPv4", "8080", "10.0.0.1,10.0.0.2", "5m"]),
        ("networking.k8s.io", "ingresses", """
            metadata: {name: web}
            spec:
              ingressClassName: nginx
              tls: [{hosts: [a.example.com]}]
              rules: [{host: a.example.com}, {host: b.example.com}, {}, {host: c.example.com}, {host: d.example.com}]
            status: {loadBalancer: {ingress: [{ip: 127.0.0.1}]}}
            """, ["web", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...", "127.0.0.1", "80, 443", "5m"]),
        ("networking.k8s.io", "ingresses", "metadata: {name: any}\nspec: {rules: [{}]}", ["any", "<none>", "*", "", "80", "5m"]),
        ("networking.k8s.io", "ingressclasses", """
            metadata: {name: nginx}
            spec: {controller: k8s.io/ingress-nginx, parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}}
            """, ["nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb", "5m"]),
        ("networking.k8s.io", "networkpolicies", "metadata: {name: deny}\nspec: {podSelector: {}}", ["deny", "<none>", "5m"]),
        ("", "namespaces", "metadata: {name: team}\nstatus: {phase: Active}", ["team", "Active", "5m"]),
        ("", "configmaps", "metadata: {name: cfg}\ndata: {a: '1', b: '2'}\nbinaryData: {c: AA==}", ["cfg", 3, "5m"]),
        ("", "secrets", "metadata: {name: tls}\ntype: kubernetes.io/tls\ndata: {tls.crt: AA==, tls.key: AA==}", ["tls", "kubernetes.io/tls", 2, "5m"]),
        ("", "serviceaccounts", "metadata: {name: default}", ["default", 0, "5m"]),
        ("", "nodes", """
            metadata: {name: tack, labels: {node-role.kubernetes.io/control-plane: "", kubernetes.io/role: worker}}
            spec: {unschedulable: true}
            status:
              conditions: [{type: MemoryPressure, status: "False"}, {type: Ready, status: "True"}]
              addresses: [{type: InternalIP, address: 127.0.0.1}, {type: Hostname, address: tack}]
              nodeInfo: {kubeletVersion: v1.32.0, osImage: Ubuntu, kernelVersion: 6.8.0, containerRuntimeVersion: "tack://1.0"}
            """, ["tack", "Ready,SchedulingDisabled", "control-plane,worker", "5m", "v1.32.0", "127.0.0.1", "<none>", "Ubuntu", "6.8.0", "tack://1.0"]),
        ("coordination.k8s.io", "leases", "metadata: {name: tack-controller}\nspec: {holderIdentity: host-1}", ["tack-controller", "host-1", "5m"]),
        ("", "persistentvolumeclaims", """
            metadata: {name: data}
            spec: {volumeName: pv-1, storageClassName: standard, volumeMode: Filesystem, resources: {requests: {storage: 1Gi}}}
            status: {phase: Bound, accessModes: [ReadWriteOnce, ReadWriteOncePod], capacity: {storage: 2Gi}}
            """, ["data", "Bound", "pv-1", "2Gi", "RWO,RWOP", "standard", "<unset>", "5m", "Filesystem"]),
        ("", "persistentvolumeclaims", """
            metadata: {name: pending, annotations: {volume.beta.kubernetes.io/storage-class: fast}}
            spec: {storageClassName: standard}
            status: {phase: Pending}
            """, ["pending", "Pending", "", "", "", "fast", "<unset>", "5m", "<unset>"]),
        ("", "persistentvolumes", """
            metadata: {name: pv-1}
            spec:
              capacity: {storage: 2Gi}
              accessModes: [ReadWriteMany, ReadWriteOnce]
              persistentVolumeReclaimPolicy: Retain
              claimRef: {namespace: default, name: data}
              storageClassName: standard
            status: {phase: Bound}
            """, ["pv-1", "2Gi", "RWO,RWX", "Retain", "Bound", "default/data", "standard", "<unset>", "", "5m", "<unset>"]),
        ("storage.k8s.io", "storageclasses", """
            metadata: {name: standard, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
            provisioner: rancher.io/local-path
            volumeBindingMode: WaitForFirstConsumer
            """, ["standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", false, "5m"]),
        ("", "resourcequotas", """
            metadata: {name: quota}
            status:
              hard: {pods: "10", requests.cpu: "2", limits.memory: 4Gi, limits.cpu: "4"}
              used: {pods: "3", requests.cpu: 500m}
            """, ["quota", "pods: 3/10, requests.cpu: 500m/2", "limits.cpu: 0/4, limits.memory: 0/4Gi", "5m"]),
        ("autoscaling", "horizontalpodautoscalers", """
            metadata: {name: web}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              minReplicas: 2
              maxReplicas: 10
              metrics:
              - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}
              - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}}
              - {type: Pods, pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: "1k"}}}
            status:
              currentReplicas: 3
              currentMetrics: [{type: Resource, resource: {name: cpu, current: {averageUtilization: 40, averageValue: 100m}}}]
            """, ["web", "Deployment/web", "cpu: 40%/80%, memory: <unknown>/500Mi + 1 more...", "2", 10, 3, "5m"]),
        ("autoscaling", "horizontalpodautoscalers", """
            metadata: {name: v1}
            spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 5, targetCPUUtilizationPercentage: 50}
            """, ["v1", "Deployment/web", "cpu: <unknown>/50%", "<unset>", 5, 0, "5m"]),
        ("policy", "poddisruptionbudgets", "metadata: {name: web}\nspec: {minAvailable: 50%}\nstatus: {disruptionsAllowed: 1}", ["web", "50%", "N/A", 1, "5m"]),
        ("rbac.authorization.k8s.io", "rolebindings", """
            metadata: {name: read}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
            subjects:
            - {kind: User, name: alice}
            - {kind: Group, name: devs}
            - {kind: ServiceAccount, name: ci, namespace: tools}
            - {kind: User, name: bob}
            """, ["read", "Role/reader", "5m", "alice, bob", "devs", "tools/ci"]),
        ("scheduling.k8s.io", "priorityclasses", "metadata: {name: high}\nvalue: 1000\nglobalDefault: false\npreemptionPolicy: Never", ["high", 1000, false, "5m", "Never"]),
    ]

    @Test("renders rows of built-in resources", arguments: rowCases)
    func rendersRow(group: String, resource: String, yaml: String, expected: [JSON]) throws {
        let gr = GroupResource(group: group, resource: resource)
        let columns = try #require(BuiltinTables.columns(for: gr))
        let cells = Self.row(gr, Self.object(yaml))
        #expect(cells == expected)
        #expect(cells.count == columns.count)
    }

    @Test("renders core and events.k8s.io events with LAST SEEN, OBJECT and COUNT")
    func rendersEvents() throws {
        let core = Self.object("""
            metadata: {name: web-0.17a}
            involvedObject: {kind: Pod, name: web-0, fieldPath: "spec.containers{web}"}
            reason: BackOff
            type: Warning
            message: "Back-off restarting failed container\\n"
            source: {component: kubelet, host: node-1}
            firstTimestamp: "\(Self.ago(600))"
            lastTimestamp: "\(Self.ago(120))"
            count: 4
            """)
        let columns = try #require(BuiltinTables.columns(for: GroupResource(group: "", resource: "events")))
        #expect(columns.map(\.name) == ["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"])
        #expect(columns.map(\.priority) == [0, 0, 0, 0, 1, 1, 0, 1, 1, 1])
        #expect(Self.row(GroupResource(group: "", resource: "events"), core) == [
            "2m", "Warning", "BackOff", "pod/web-0", "spec.containers{web}", "kubelet, node-1",
            "Back-off restarting failed container", "10m", 4, "web-0.17a",
        ])

        let singleton = Self.object("""
            metadata: {name: rollout.1}
            involvedObject: {kind: Rollout, name: demo}
            reason: RolloutUpdated
            type: Normal
            message: Rollout updated
            eventTime: "\(Self.ago(45))"
            reportingComponent: tack-rollouts
            reportingInstance: host-1
            """)
        #expect(Self.row(GroupResource(group: "", resource: "events"), singleton) == [
            "45s", "Normal", "RolloutUpdated", "rollout/demo", "", "tack-rollouts, host-1", "Rollout updated", "45s", 1, "rollout.1",
        ])

        let v1 = Self.object("""
            metadata: {name: demo.2}
            regarding: {kind: Deployment, name: web}
            reason: ScalingReplicaSet
            type: Normal
            note: Scaled up
            eventTime: "\(Self.ago(30))"
            reportingController: deployment-controller
            series: {count: 3, lastObservedTime: "\(Self.ago(5))"}
            """)
        #expect(Self.row(GroupResource(group: "events.k8s.io", resource: "events"), v1) == [
            "5s", "Normal", "ScalingReplicaSet", "deployment/web", "", "deployment-controller", "Scaled up", "30s", 3, "demo.2",
        ])
    }

    @Test("falls back to the default Name / Created At table", arguments: [
        GroupResource(group: "rbac.authorization.k8s.io", resource: "roles"),
        GroupResource(group: "rbac.authorization.k8s.io", resource: "clusterroles"),
        GroupResource(group: "", resource: "limitranges"),
        GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions"),
    ])
    func defaultTable(resource: GroupResource) {
        #expect(BuiltinTables.columns(for: resource) == nil)
        #expect(BuiltinTables.defaultColumns.map(\.name) == ["Name", "Created At"])
        #expect(BuiltinTables.defaultColumns.map(\.type) == ["string", "date"])
        let obj = Self.object("metadata: {name: reader, creationTimestamp: '2024-05-01T11:55:00Z'}")
        #expect(BuiltinTables.cells(for: obj, resource: resource, now: Self.now) == ["reader", "2024-05-01T11:55:00Z"])
    }

    @Test("renders as many cells as columns for every printer, even for a bare object")
    func cellCountsMatchColumns() {
        let bare: JSON = ["metadata": ["name": "x"]]
        for resource in BuiltinTables.resources {
            let columns = BuiltinTables.columns(for: resource) ?? []
            let cells = BuiltinTables.cells(for: bare, resource: resource, now: Self.now)
            #expect(cells.count == columns.count, "\(resource)")
            #expect(cells.contains(.string("<unknown>")) || resource.resource == "events" || resource.resource == "podtemplates", "\(resource) age")
        }
    }

    // MARK: - Custom resources

    /// `additionalPrinterColumns` of the Argo Rollouts `Rollout` CRD, read from the shared upstream fixture.
    static func rolloutPrinterColumns() throws -> [JSON] {
        let url = Fixtures.repositoryFile("scripts/crds/upstream/argo-rollouts/rollout-crd.yaml")
        let crd = try YAML.decode(String(contentsOf: url, encoding: .utf8))
        return try #require(crd["spec"]?["versions"]?[0]?["additionalPrinterColumns"]?.arrayValue)
    }

    @Test("renders Argo Rollouts' printer columns for a Rollout")
    func rendersRolloutColumns() throws {
        let printerColumns = try Self.rolloutPrinterColumns()
        let columns = CustomResourceTable.columns(printerColumns: printerColumns)
        #expect(columns.map(\.name) == ["Name", "Desired", "Current", "Up-to-date", "Available", "Age"])
        #expect(columns.map(\.type) == ["string", "integer", "integer", "integer", "integer", "date"])
        #expect(columns[1].description == "Number of desired pods")
        #expect(columns[0].format == "name")

        let rollout = Self.object("""
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: rollouts-demo}
            spec: {replicas: 5}
            status: {replicas: 5, updatedReplicas: 2, availableReplicas: 4}
            """)
        #expect(CustomResourceTable.cells(for: rollout, printerColumns: printerColumns, now: Self.now) == ["rollouts-demo", 5, 5, 2, 4, "5m"])

        let fresh = Self.object("metadata: {name: fresh}\nspec: {replicas: 1}")
        #expect(CustomResourceTable.cells(for: fresh, printerColumns: printerColumns, now: Self.now) == ["fresh", 1, nil, nil, nil, "5m"])
    }

    @Test("gives a CRD version without printer columns a NAME and AGE table")
    func defaultCustomResourceColumns() {
        let columns = CustomResourceTable.columns(printerColumns: [])
        #expect(columns.map(\.name) == ["Name", "Age"])
        #expect(columns.map(\.type) == ["string", "date"])
        let obj = Self.object("metadata: {name: w1}")
        #expect(CustomResourceTable.cells(for: obj, printerColumns: [], now: Self.now) == ["w1", "5m"])
    }

    @Test("converts printer column values by declared type")
    func convertsPrinterColumnTypes() {
        let printerColumns: [JSON] = [
            ["name": "Phase", "type": "string", "jsonPath": ".status.phase"],
            ["name": "Spec", "type": "string", "jsonPath": ".spec", "priority": 1],
            ["name": "Ready", "type": "string", "jsonPath": #".status.conditions[?(@.type=="Ready")].status"#],
            ["name": "Ratio", "type": "number", "jsonPath": ".status.ratio"],
            ["name": "Count", "type": "integer", "jsonPath": ".status.ratio"],
            ["name": "Paused", "type": "boolean", "jsonPath": ".spec.paused"],
            ["name": "Started", "type": "date", "jsonPath": ".status.startedAt"],
            ["name": "Bad", "type": "date", "jsonPath": ".status.phase"],
            ["name": "Nothing", "type": "string", "jsonPath": ".status.nothing"],
            ["name": "WrongType", "type": "integer", "jsonPath": ".status.phase"],
        ]
        let columns = CustomResourceTable.columns(printerColumns: printerColumns)
        #expect(columns[2].description == "Custom resource definition column (in JSONPath format): .spec")
        #expect(columns[2].priority == 1)
        let obj = Self.object("""
            metadata: {name: a}
            spec: {paused: true, steps: [{setWeight: 20}]}
            status: {phase: Running, ratio: 2.5, startedAt: "\(Self.ago(14400))", conditions: [{type: Ready, status: "True"}]}
            """)
        #expect(CustomResourceTable.cells(for: obj, printerColumns: printerColumns, now: Self.now) == [
            "a", "Running", #"{"paused":true,"steps":[{"setWeight":20}]}"#, "True", 2.5, 2, true, "4h", "<invalid>", nil, nil,
        ])
    }
}
