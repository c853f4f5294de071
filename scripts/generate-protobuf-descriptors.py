#!/usr/bin/env python3
"""Generate Sources/KubeModel/Protobuf/KubernetesProtobufDescriptors.swift.

The Kubernetes API server decodes protobuf request bodies (kubectl 1.32 typed clients send
`application/vnd.kubernetes.protobuf`, see shared/reference/kubernetes-api.md A19). Field numbers come from
Kubernetes' own `generated.proto` files (k8s.io/api and k8s.io/apimachinery at v1.32). This script reads
those files, keeps only the messages reachable from the kinds Tack decodes (ROOTS below) and writes a
compact Swift table the decoder walks.

Usage:
    python3 scripts/generate-protobuf-descriptors.py PROTO_DIR [--schemas Sources/KubeModel/Resources/builtin-schemas.json]

PROTO_DIR is a tree laid out like Go import paths (PROTO_DIR/k8s.io/api/core/v1/generated.proto, ...).
The .proto files are not kept in the repository; fetch them from k8s.io/api and k8s.io/apimachinery at
the v1.32 tag (comments may be stripped, messages not reachable from ROOTS may be left out).

With --schemas the script checks every generated JSON name against the OpenAPI schemas of the same
Kubernetes version and fails on a name the schema does not know (catches wrong json names and missing
inline flags).

What the .proto files do not say, and this script adds from Kubernetes' types.go:
- POINTER_FIELDS: scalar fields whose Go type is a pointer (`*int32`, `*bool`, `*string`, `*IntOrString`).
  Go's protobuf marshaller writes non-pointer scalars always and pointer scalars only when non-nil, so a
  pointer field present on the wire keeps its zero value (`replicas: 0`), while a zero non-pointer scalar
  is the Go zero value and is left out of the JSON (as `omitempty` would).
- INLINE_FIELDS: Go embedded structs tagged `json:",inline"`; their fields are flattened into the parent.
- JSON_NAMES: proto field names that differ from the JSON name.
- Well-known messages with a custom JSON form (Time, MicroTime, IntOrString, Quantity, FieldsV1,
  RawExtension, ExtraValue).
"""

import argparse
import json
import os
import re
import sys

# (group, version, kind, fully qualified message)
ROOTS = [
    ("", "v1", "ConfigMap", "k8s.io.api.core.v1.ConfigMap"),
    ("", "v1", "Namespace", "k8s.io.api.core.v1.Namespace"),
    ("", "v1", "PersistentVolumeClaim", "k8s.io.api.core.v1.PersistentVolumeClaim"),
    ("", "v1", "Pod", "k8s.io.api.core.v1.Pod"),
    ("", "v1", "ResourceQuota", "k8s.io.api.core.v1.ResourceQuota"),
    ("", "v1", "Secret", "k8s.io.api.core.v1.Secret"),
    ("", "v1", "Service", "k8s.io.api.core.v1.Service"),
    ("", "v1", "ServiceAccount", "k8s.io.api.core.v1.ServiceAccount"),
    ("apps", "v1", "DaemonSet", "k8s.io.api.apps.v1.DaemonSet"),
    ("apps", "v1", "Deployment", "k8s.io.api.apps.v1.Deployment"),
    ("apps", "v1", "ReplicaSet", "k8s.io.api.apps.v1.ReplicaSet"),
    ("apps", "v1", "StatefulSet", "k8s.io.api.apps.v1.StatefulSet"),
    ("batch", "v1", "CronJob", "k8s.io.api.batch.v1.CronJob"),
    ("batch", "v1", "Job", "k8s.io.api.batch.v1.Job"),
    ("networking.k8s.io", "v1", "Ingress", "k8s.io.api.networking.v1.Ingress"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole", "k8s.io.api.rbac.v1.ClusterRole"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "k8s.io.api.rbac.v1.ClusterRoleBinding"),
    ("rbac.authorization.k8s.io", "v1", "Role", "k8s.io.api.rbac.v1.Role"),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding", "k8s.io.api.rbac.v1.RoleBinding"),
    ("policy", "v1", "Eviction", "k8s.io.api.policy.v1.Eviction"),
    ("policy", "v1", "PodDisruptionBudget", "k8s.io.api.policy.v1.PodDisruptionBudget"),
    ("scheduling.k8s.io", "v1", "PriorityClass", "k8s.io.api.scheduling.v1.PriorityClass"),
    ("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "k8s.io.api.authorization.v1.LocalSubjectAccessReview"),
    ("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "k8s.io.api.authorization.v1.SelfSubjectAccessReview"),
    ("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "k8s.io.api.authorization.v1.SelfSubjectRulesReview"),
    ("authorization.k8s.io", "v1", "SubjectAccessReview", "k8s.io.api.authorization.v1.SubjectAccessReview"),
    ("authentication.k8s.io", "v1", "SelfSubjectReview", "k8s.io.api.authentication.v1.SelfSubjectReview"),
    ("authentication.k8s.io", "v1", "TokenRequest", "k8s.io.api.authentication.v1.TokenRequest"),
    ("authentication.k8s.io", "v1", "TokenReview", "k8s.io.api.authentication.v1.TokenReview"),
]

META = "k8s.io.apimachinery.pkg.apis.meta.v1."
CORE = "k8s.io.api.core.v1."

# Messages with a custom JSON form: message name -> Swift field type.
SPECIAL_TYPES = {
    META + "Time": "time",
    META + "MicroTime": "microTime",
    META + "FieldsV1": "rawJSON",
    "k8s.io.apimachinery.pkg.runtime.RawExtension": "rawJSON",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "intOrString",
    "k8s.io.apimachinery.pkg.api.resource.Quantity": "quantity",
    # `type ExtraValue []string`: the message wraps the list in field 1.
    "k8s.io.api.authentication.v1.ExtraValue": "stringList",
    "k8s.io.api.authorization.v1.ExtraValue": "stringList",
}

# Go embedded structs with `json:",inline"`.
INLINE_FIELDS = {
    CORE + "ConfigMapEnvSource.localObjectReference",
    CORE + "ConfigMapKeySelector.localObjectReference",
    CORE + "ConfigMapProjection.localObjectReference",
    CORE + "ConfigMapVolumeSource.localObjectReference",
    CORE + "EphemeralContainer.ephemeralContainerCommon",
    CORE + "Probe.handler",
    CORE + "SecretEnvSource.localObjectReference",
    CORE + "SecretKeySelector.localObjectReference",
    CORE + "SecretProjection.localObjectReference",
    CORE + "Volume.volumeSource",
    "k8s.io.api.networking.v1.IngressRule.ingressRuleValue",
}

# Proto field names that are not the JSON name (go-to-protobuf derives them from the Go field name when
# the json tag disagrees).
JSON_NAMES = {
    "k8s.io.api.authentication.v1.BoundObjectReference.uID": "uid",
}

# Scalar fields (and IntOrString fields) whose Go type is a pointer, from k8s.io/api v1.32 types.go.
POINTER_FIELDS = {
    META + "DeleteOptions.gracePeriodSeconds",
    META + "DeleteOptions.orphanDependents",
    META + "DeleteOptions.propagationPolicy",
    META + "DeleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential",
    META + "ObjectMeta.deletionGracePeriodSeconds",
    META + "OwnerReference.blockOwnerDeletion",
    META + "OwnerReference.controller",
    META + "Preconditions.resourceVersion",
    META + "Preconditions.uid",
    CORE + "AppArmorProfile.localhostProfile",
    CORE + "AzureDiskVolumeSource.cachingMode",
    CORE + "AzureDiskVolumeSource.fsType",
    CORE + "AzureDiskVolumeSource.kind",
    CORE + "AzureDiskVolumeSource.readOnly",
    CORE + "CSIVolumeSource.fsType",
    CORE + "CSIVolumeSource.readOnly",
    CORE + "ClientIPConfig.timeoutSeconds",
    CORE + "ClusterTrustBundleProjection.name",
    CORE + "ClusterTrustBundleProjection.optional",
    CORE + "ClusterTrustBundleProjection.signerName",
    CORE + "ConfigMap.immutable",
    CORE + "ConfigMapEnvSource.optional",
    CORE + "ConfigMapKeySelector.optional",
    CORE + "ConfigMapProjection.optional",
    CORE + "ConfigMapVolumeSource.defaultMode",
    CORE + "ConfigMapVolumeSource.optional",
    CORE + "Container.restartPolicy",
    CORE + "ContainerStatus.started",
    CORE + "DownwardAPIVolumeFile.mode",
    CORE + "DownwardAPIVolumeSource.defaultMode",
    CORE + "EphemeralContainerCommon.restartPolicy",
    CORE + "FCVolumeSource.lun",
    CORE + "GRPCAction.service",
    CORE + "HostPathVolumeSource.type",
    CORE + "ISCSIVolumeSource.initiatorName",
    CORE + "KeyToPath.mode",
    CORE + "LoadBalancerIngress.ipMode",
    CORE + "PersistentVolumeClaimSpec.storageClassName",
    CORE + "PersistentVolumeClaimSpec.volumeAttributesClassName",
    CORE + "PersistentVolumeClaimSpec.volumeMode",
    CORE + "PersistentVolumeClaimStatus.currentVolumeAttributesClassName",
    CORE + "PodDNSConfigOption.value",
    CORE + "PodResourceClaim.resourceClaimName",
    CORE + "PodResourceClaim.resourceClaimTemplateName",
    CORE + "PodResourceClaimStatus.resourceClaimName",
    CORE + "PodSecurityContext.fsGroup",
    CORE + "PodSecurityContext.fsGroupChangePolicy",
    CORE + "PodSecurityContext.runAsGroup",
    CORE + "PodSecurityContext.runAsNonRoot",
    CORE + "PodSecurityContext.runAsUser",
    CORE + "PodSecurityContext.seLinuxChangePolicy",
    CORE + "PodSecurityContext.supplementalGroupsPolicy",
    CORE + "PodSpec.activeDeadlineSeconds",
    CORE + "PodSpec.automountServiceAccountToken",
    CORE + "PodSpec.enableServiceLinks",
    CORE + "PodSpec.hostUsers",
    CORE + "PodSpec.preemptionPolicy",
    CORE + "PodSpec.priority",
    CORE + "PodSpec.runtimeClassName",
    CORE + "PodSpec.setHostnameAsFQDN",
    CORE + "PodSpec.shareProcessNamespace",
    CORE + "PodSpec.terminationGracePeriodSeconds",
    CORE + "PortStatus.error",
    CORE + "Probe.terminationGracePeriodSeconds",
    CORE + "ProjectedVolumeSource.defaultMode",
    CORE + "SeccompProfile.localhostProfile",
    CORE + "Secret.immutable",
    CORE + "SecretEnvSource.optional",
    CORE + "SecretKeySelector.optional",
    CORE + "SecretProjection.optional",
    CORE + "SecretVolumeSource.defaultMode",
    CORE + "SecretVolumeSource.optional",
    CORE + "SecurityContext.allowPrivilegeEscalation",
    CORE + "SecurityContext.privileged",
    CORE + "SecurityContext.procMount",
    CORE + "SecurityContext.readOnlyRootFilesystem",
    CORE + "SecurityContext.runAsGroup",
    CORE + "SecurityContext.runAsNonRoot",
    CORE + "SecurityContext.runAsUser",
    CORE + "ServiceAccount.automountServiceAccountToken",
    CORE + "ServiceAccountTokenProjection.expirationSeconds",
    CORE + "ServicePort.appProtocol",
    CORE + "ServiceSpec.allocateLoadBalancerNodePorts",
    CORE + "ServiceSpec.internalTrafficPolicy",
    CORE + "ServiceSpec.ipFamilyPolicy",
    CORE + "ServiceSpec.loadBalancerClass",
    CORE + "ServiceSpec.trafficDistribution",
    CORE + "Toleration.tolerationSeconds",
    CORE + "TopologySpreadConstraint.minDomains",
    CORE + "TopologySpreadConstraint.nodeAffinityPolicy",
    CORE + "TopologySpreadConstraint.nodeTaintsPolicy",
    CORE + "TypedLocalObjectReference.apiGroup",
    CORE + "TypedObjectReference.apiGroup",
    CORE + "TypedObjectReference.namespace",
    CORE + "VolumeMount.mountPropagation",
    CORE + "VolumeMount.recursiveReadOnly",
    CORE + "VolumeMountStatus.recursiveReadOnly",
    CORE + "WindowsSecurityContextOptions.gmsaCredentialSpec",
    CORE + "WindowsSecurityContextOptions.gmsaCredentialSpecName",
    CORE + "WindowsSecurityContextOptions.hostProcess",
    CORE + "WindowsSecurityContextOptions.runAsUserName",
    "k8s.io.api.apps.v1.DaemonSetSpec.revisionHistoryLimit",
    "k8s.io.api.apps.v1.DaemonSetStatus.collisionCount",
    "k8s.io.api.apps.v1.DeploymentSpec.progressDeadlineSeconds",
    "k8s.io.api.apps.v1.DeploymentSpec.replicas",
    "k8s.io.api.apps.v1.DeploymentSpec.revisionHistoryLimit",
    "k8s.io.api.apps.v1.DeploymentStatus.collisionCount",
    "k8s.io.api.apps.v1.ReplicaSetSpec.replicas",
    "k8s.io.api.apps.v1.RollingUpdateDaemonSet.maxSurge",
    "k8s.io.api.apps.v1.RollingUpdateDaemonSet.maxUnavailable",
    "k8s.io.api.apps.v1.RollingUpdateDeployment.maxSurge",
    "k8s.io.api.apps.v1.RollingUpdateDeployment.maxUnavailable",
    "k8s.io.api.apps.v1.RollingUpdateStatefulSetStrategy.maxUnavailable",
    "k8s.io.api.apps.v1.RollingUpdateStatefulSetStrategy.partition",
    "k8s.io.api.apps.v1.StatefulSetSpec.replicas",
    "k8s.io.api.apps.v1.StatefulSetSpec.revisionHistoryLimit",
    "k8s.io.api.apps.v1.StatefulSetStatus.collisionCount",
    "k8s.io.api.batch.v1.CronJobSpec.failedJobsHistoryLimit",
    "k8s.io.api.batch.v1.CronJobSpec.startingDeadlineSeconds",
    "k8s.io.api.batch.v1.CronJobSpec.successfulJobsHistoryLimit",
    "k8s.io.api.batch.v1.CronJobSpec.suspend",
    "k8s.io.api.batch.v1.CronJobSpec.timeZone",
    "k8s.io.api.batch.v1.JobSpec.activeDeadlineSeconds",
    "k8s.io.api.batch.v1.JobSpec.backoffLimit",
    "k8s.io.api.batch.v1.JobSpec.backoffLimitPerIndex",
    "k8s.io.api.batch.v1.JobSpec.completionMode",
    "k8s.io.api.batch.v1.JobSpec.completions",
    "k8s.io.api.batch.v1.JobSpec.managedBy",
    "k8s.io.api.batch.v1.JobSpec.manualSelector",
    "k8s.io.api.batch.v1.JobSpec.maxFailedIndexes",
    "k8s.io.api.batch.v1.JobSpec.parallelism",
    "k8s.io.api.batch.v1.JobSpec.podReplacementPolicy",
    "k8s.io.api.batch.v1.JobSpec.suspend",
    "k8s.io.api.batch.v1.JobSpec.ttlSecondsAfterFinished",
    "k8s.io.api.batch.v1.JobStatus.failedIndexes",
    "k8s.io.api.batch.v1.JobStatus.ready",
    "k8s.io.api.batch.v1.JobStatus.terminating",
    "k8s.io.api.batch.v1.PodFailurePolicyOnExitCodesRequirement.containerName",
    "k8s.io.api.batch.v1.SuccessPolicyRule.succeededCount",
    "k8s.io.api.batch.v1.SuccessPolicyRule.succeededIndexes",
    "k8s.io.api.networking.v1.HTTPIngressPath.pathType",
    "k8s.io.api.networking.v1.IngressPortStatus.error",
    "k8s.io.api.networking.v1.IngressSpec.ingressClassName",
    "k8s.io.api.policy.v1.PodDisruptionBudgetSpec.maxUnavailable",
    "k8s.io.api.policy.v1.PodDisruptionBudgetSpec.minAvailable",
    "k8s.io.api.policy.v1.PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy",
    "k8s.io.api.scheduling.v1.PriorityClass.preemptionPolicy",
    "k8s.io.api.authentication.v1.TokenRequestSpec.expirationSeconds",
}

SCALARS = {"string": "string", "bool": "bool", "int32": "int32", "int64": "int64", "bytes": "bytes"}

FIELD_RE = re.compile(r"^\s*(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;")
MAP_RE = re.compile(r"^\s*map<\s*(\w+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;")


def parse_protos(root):
    """Returns {fq message name: [(label, type, name, number)]} with types fully qualified."""
    raw = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".proto"):
                continue
            package = None
            current = None
            depth = 0
            with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                for line in fh:
                    line = line.split("//", 1)[0]
                    m = re.match(r"^\s*package\s+([\w.]+)\s*;", line)
                    if m:
                        package = m.group(1)
                        continue
                    m = re.match(r"^\s*message\s+(\w+)\s*\{", line)
                    if m:
                        if depth != 0:
                            sys.exit(f"{f}: nested messages are not supported ({m.group(1)})")
                        current = f"{package}.{m.group(1)}"
                        raw[current] = []
                        depth = 1
                        if "}" in line:
                            depth = 0
                            current = None
                        continue
                    if current is None:
                        continue
                    m = MAP_RE.match(line)
                    if m:
                        if m.group(1) != "string":
                            sys.exit(f"{current}: map key type {m.group(1)} is not supported")
                        raw[current].append(("map", (package, m.group(2)), m.group(3), int(m.group(4))))
                    else:
                        m = FIELD_RE.match(line)
                        if m:
                            raw[current].append((m.group(1), (package, m.group(2)), m.group(3), int(m.group(4))))
                    if "}" in line:
                        depth = 0
                        current = None
    messages = {}
    for name, fields in raw.items():
        resolved = []
        for label, (package, typ), fname, number in fields:
            resolved.append((label, resolve(typ, package, raw), fname, number))
        messages[name] = resolved
    return messages


def resolve(typ, package, known):
    if typ in SCALARS:
        return typ
    if typ.startswith("."):
        return typ[1:]
    candidate = f"{package}.{typ}"
    if candidate in known:
        return candidate
    if typ in known:
        return typ
    return candidate  # reported as missing later


def reachable(messages):
    seen = []
    stack = [root[3] for root in ROOTS]
    while stack:
        name = stack.pop()
        if name in seen or name in SPECIAL_TYPES:
            continue
        if name not in messages:
            sys.exit(f"message {name} is referenced but not defined in the .proto files")
        seen.append(name)
        for _, typ, _, _ in messages[name]:
            if typ not in SCALARS and typ not in SPECIAL_TYPES:
                stack.append(typ)
    return sorted(seen)


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def short(name):
    return name.replace("k8s.io.apimachinery.pkg.", "").replace("k8s.io.api.", "")


def generate(messages, order, check_schemas):
    index = {name: i for i, name in enumerate(order)}
    used_pointer = set()
    used_inline = set()
    used_names = set()
    lines = []
    lines.append("// Generated by scripts/generate-protobuf-descriptors.py from the generated.proto files of")
    lines.append("// k8s.io/api and k8s.io/apimachinery v1.32. Do not edit by hand: change the script and run it again.")
    lines.append("")
    lines.append("extension KubernetesProtobuf {")
    lines.append("    /// Every message reachable from `rootMessages`, indexed by `ProtobufFieldDescriptor.ValueType.message(_:)`.")
    lines.append("    static let messages: [ProtobufMessageDescriptor] = {")
    lines.append("        typealias F = ProtobufFieldDescriptor")
    lines.append(f"        var m: [ProtobufMessageDescriptor] = []")
    lines.append(f"        m.reserveCapacity({len(order)})")
    for name in order:
        i = index[name]
        fields = []
        for label, typ, fname, number in sorted(messages[name], key=lambda f: f[3]):
            key = f"{name}.{fname}"
            if typ in SCALARS:
                ftype = "." + SCALARS[typ]
            elif typ in SPECIAL_TYPES:
                ftype = "." + SPECIAL_TYPES[typ]
            else:
                ftype = f".message({index[typ]})"
            if label == "map":
                card = ".map"
            elif label == "repeated":
                card = ".repeated"
            else:
                card = ".single"
            json_name = JSON_NAMES.get(key, fname)
            if key in JSON_NAMES:
                used_names.add(key)
            flags = []
            if key in POINTER_FIELDS:
                used_pointer.add(key)
                flags.append("pointer: true")
            if key in INLINE_FIELDS:
                used_inline.add(key)
                flags.append("inline: true")
            extra = (", " + ", ".join(flags)) if flags else ""
            fields.append(f"F({number}, {swift_string(json_name)}, {ftype}, {card}{extra})")
        lines.append(f"        // {i}")
        body = ",\n            ".join(fields)
        if fields:
            lines.append(f"        m.append(ProtobufMessageDescriptor({swift_string(short(name))}, [\n            {body},\n        ]))")
        else:
            lines.append(f"        m.append(ProtobufMessageDescriptor({swift_string(short(name))}, []))")
    lines.append("        return m")
    lines.append("    }()")
    lines.append("")
    lines.append("    /// The message of each kind Tack decodes.")
    lines.append("    static let rootMessages: [GroupVersionKind: Int] = [")
    for group, version, kind, message in ROOTS:
        lines.append(f"        GroupVersionKind(group: {swift_string(group)}, version: {swift_string(version)}, kind: {swift_string(kind)}): {index[message]},")
    lines.append("    ]")
    lines.append("}")

    problems = []
    for leftover in sorted(POINTER_FIELDS - used_pointer):
        problems.append(f"pointer field {leftover} is not a field of a reachable message")
    for leftover in sorted(INLINE_FIELDS - used_inline):
        problems.append(f"inline field {leftover} is not a field of a reachable message")
    for leftover in sorted(set(JSON_NAMES) - used_names):
        problems.append(f"json name override {leftover} is not a field of a reachable message")
    if check_schemas:
        problems += check_against_schemas(messages, order, check_schemas)
    return "\n".join(lines) + "\n", problems


def check_against_schemas(messages, order, path):
    """Every JSON name must be a property of the OpenAPI schema of the same message."""
    with open(path, encoding="utf-8") as fh:
        schemas = json.load(fh)["schemas"]
    problems = []

    def properties(message):
        schema = schemas.get("io.k8s." + message[len("k8s.io."):])
        return None if schema is None else set(schema.get("properties", {}))

    def json_names(message):
        names = set()
        for _, typ, fname, _ in messages[message]:
            key = f"{message}.{fname}"
            if key in INLINE_FIELDS:
                names |= json_names(typ)
            else:
                names.add(JSON_NAMES.get(key, fname))
        return names

    for name in order:
        props = properties(name)
        if props is None:
            continue
        generated = json_names(name)
        for missing in sorted(generated - props):
            problems.append(f"{name}: json name {missing!r} is not in the OpenAPI schema")
        for extra in sorted(props - generated - {"apiVersion", "kind"}):
            problems.append(f"{name}: OpenAPI property {extra!r} has no protobuf field")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("protos", help="directory holding k8s.io/**/generated.proto")
    parser.add_argument("--schemas", help="builtin-schemas.json to check JSON names against")
    parser.add_argument("--output", default=os.path.join(os.path.dirname(__file__), "..", "Sources", "KubeModel",
                                                         "Protobuf", "KubernetesProtobufDescriptors.swift"))
    args = parser.parse_args()
    messages = parse_protos(args.protos)
    order = reachable(messages)
    swift, problems = generate(messages, order, args.schemas)
    for p in problems:
        print("problem:", p, file=sys.stderr)
    if problems:
        sys.exit(1)
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(swift)
    print(f"wrote {len(order)} messages to {os.path.normpath(args.output)}")


if __name__ == "__main__":
    main()
